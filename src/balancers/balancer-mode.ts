// `balancer.mode`: whether a balancer balances requests (http, the default) or connections (tcp: nginx
// `stream`, HAProxy `mode tcp`, the built-in proxy's byte forwarder in proxy/tcp/). The one place that
// says what the key looks like, what mode tcp cannot do and how a label shows it; the descriptors of the
// kinds that have both modes list `modeOption` among their options.
//
// At L4 a balancer sees a connection, never a request: it cannot hash on a path or a header (hashKey ip,
// the client's address, still works), cannot see a status, and moves on to another backend only when
// the connect fails. A connection cut after that fails every request on it.
import {z} from 'zod'
import type {KindOption, KindProblem} from '../model/kind.js'
import type {BalancerSpec, Scenario} from '../model/scenario.js'
import {strategyKinds} from '../proxy/strategies/registry.js'
import {keptAlive} from './balancer-kind.js'

export const balancerModes = ['http', 'tcp'] as const

export const modeOption: KindOption = {
  what: 'http (default): balance each request; tcp: balance each connection, forwarded byte for byte (L4)',
  schema: z.enum(balancerModes),
  example: 'tcp',
}

const noRequest = 'mode tcp sees connections, not requests'

/** What a scenario asks of a balancer in mode tcp that only a request-level balancer can do. */
export function modeProblems(b: BalancerSpec): KindProblem[] {
  if (b.mode !== 'tcp') return []
  const problems: KindProblem[] = []
  if (strategyKinds.get(b.strategy)?.needsHashKey && b.hashKey !== 'ip') {
    const key = b.hashKey ?? 'path'
    problems.push({
      path: b.hashKey === undefined ? 'balancer.mode' : 'balancer.hashKey',
      message: `${noRequest}: ${b.strategy} cannot hash on ${key}; use hashKey: ip (the client's address)`,
    })
  }
  if (b.health.passive?.statuses.length) {
    problems.push({path: 'balancer.health.passive.statuses', message: `${noRequest}: there is no status to count; only a failed connect counts`})
  }
  if (b.retryNonIdempotent) {
    problems.push({path: 'balancer.retryNonIdempotent', message: `${noRequest}: a connection moves on only when its connect fails, before anything was sent`})
  }
  if (b.tls) problems.push({path: 'balancer.tls', message: `${noRequest}: lbbench terminates TLS only in mode http`})
  if (b.config) problems.push({path: 'balancer.mode', message: 'your own configuration sets its own mode: leave mode out with balancer.config'})
  return problems
}

/** Mode tcp keeps a kept-alive connection's requests on one backend (BalancerKind.splitsByConnection). */
export function tcpSplitsByConnection(s: Pick<Scenario, 'balancer' | 'load'>): string | undefined {
  return s.balancer.mode === 'tcp' && keptAlive(s.load) ? 'mode tcp balances connections, not requests' : undefined
}

/** What a label adds for mode tcp: `mode tcp`; mode http says nothing (it is what every balancer did before). */
export const modeLabel = (b: BalancerSpec): string[] => (b.mode === 'tcp' ? ['mode tcp'] : [])
