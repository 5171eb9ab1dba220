// What the built-in proxy can do with a scenario (balancerSupport.builtin): every strategy and health
// option, both engines, and up to two proxy processes per core (more only take turns on the cores).
import {availableParallelism} from 'node:os'
import type {Scenario} from '../model/scenario.js'
import type {SupportProblem} from './support.js'

/** Engines built so far; src/proxy/engines.ts holds the same names. */
export const builtinEngines = ['http-proxy', 'undici']

export function builtinSupport(s: Scenario): SupportProblem[] {
  const b = s.balancer
  const problems: SupportProblem[] = []
  if (!builtinEngines.includes(b.engine)) {
    problems.push({path: 'balancer.engine', message: `the ${b.engine} engine is not built yet; the built-in proxy can use: ${builtinEngines.join(', ')}`})
  }
  const most = availableParallelism() * 2
  if (b.workers > most) {
    problems.push({path: 'balancer.workers', message: `at most ${most} proxy processes on this machine (2 per core, ${availableParallelism()} cores); got ${b.workers}`})
  }
  return problems
}
