// HAProxy in front of the replicas, with a generated haproxy.cfg or your own (balancer.config, read by
// haproxy-template.ts).
import type {KindProblem} from '../../model/kind.js'
import {modeLabel, modeOption, modeProblems, tcpSplitsByConnection} from '../balancer-mode.js'
import {hashKeyProblem, ownStackLabel, strategyLabel, strategyProblem, type BalancerKind} from '../balancer-kind.js'
import {haproxyOwnConfig} from '../haproxy-template.js'

const strategies: Record<string, string> = {
  'round-robin': 'balance roundrobin',
  'weighted-round-robin': 'balance roundrobin with server weights',
  'least-connections': 'balance leastconn',
  random: 'balance random(1)',
  p2c: 'balance random(2)',
  'ip-hash': 'balance source',
  'consistent-hash': 'balance uri | hdr(name) | source with hash-type consistent',
}

/** Statuses `retry-on` accepts. */
const haproxyRetryStatuses = [401, 403, 404, 408, 425, 500, 501, 502, 503, 504]

export const haproxy: BalancerKind = {
  name: 'haproxy',
  summary: 'HAProxy with a generated haproxy.cfg or your own: its own strategies, passive and active health checks, retries, TLS',
  strategies,
  options: {mode: modeOption},
  splitsByConnection: tcpSplitsByConnection,
  check(s) {
    const b = s.balancer
    const problems: KindProblem[] = [...strategyProblem('HAProxy', b, strategies), ...hashKeyProblem(b), ...modeProblems(b)]
    for (const status of b.health.passive?.statuses ?? []) {
      if (!haproxyRetryStatuses.includes(status)) {
        problems.push({
          path: 'balancer.health.passive.statuses',
          message: `HAProxy can retry only on ${haproxyRetryStatuses.join(', ')} (retry-on), not ${status}`,
        })
      }
    }
    if (b.retryBudget !== undefined) {
      problems.push({path: 'balancer.retryBudget', message: 'HAProxy has no retry budget; use retries (retries + option redispatch)'})
    }
    for (const [id, o] of Object.entries(s.replicas.overrides)) {
      if (o.weight !== undefined && (!Number.isInteger(o.weight) || o.weight < 0 || o.weight > 256)) {
        problems.push({path: `replicas.overrides.${id}.weight`, message: `HAProxy weights are whole numbers from 0 to 256, got ${o.weight}`})
      }
    }
    return problems
  },
  label: (b) => `haproxy (${[strategyLabel(b), ...modeLabel(b), ...ownStackLabel(b)].join(', ')})`,
  terminatesTls: true,
  ownConfig: haproxyOwnConfig,
  // HAProxy checks nothing unless told.
  defaultHealth: () => ({}),
  create: async (opts) => new (await import('../haproxy.js')).HaproxyBalancer(opts),
}
