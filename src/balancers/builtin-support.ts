// What the built-in proxy can do with a scenario (balancerSupport.builtin): every strategy and health
// option, but so far one engine (http-proxy) in one process.
import type {Scenario} from '../scenario/types.js'
import type {SupportProblem} from './support.js'

/** Engines built so far; src/proxy/engines.ts holds the same names. */
export const builtinEngines = ['http-proxy']

export function builtinSupport(s: Scenario): SupportProblem[] {
  const b = s.balancer
  const problems: SupportProblem[] = []
  if (!builtinEngines.includes(b.engine)) {
    problems.push({path: 'balancer.engine', message: `the ${b.engine} engine is not built yet; the built-in proxy can use: ${builtinEngines.join(', ')}`})
  }
  if (b.workers > 1) {
    problems.push({path: 'balancer.workers', message: `the built-in proxy runs in 1 process so far, not ${b.workers}`})
  }
  return problems
}
