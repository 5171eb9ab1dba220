// What HAProxy can do with a scenario (balancerSupport.haproxy).
import type {Scenario} from '../model/scenario.js'
import {parseHashKey} from '../proxy/hash-key.js'
import type {SupportProblem} from './support.js'

export const haproxyStrategies: Record<string, string> = {
  'round-robin': 'balance roundrobin',
  'weighted-round-robin': 'balance roundrobin with server weights',
  'least-connections': 'balance leastconn',
  random: 'balance random(1)',
  p2c: 'balance random(2)',
  'ip-hash': 'balance source',
  'consistent-hash': 'balance uri | hdr(name) | source with hash-type consistent',
}

/** Statuses `retry-on` accepts. */
export const haproxyRetryStatuses = [401, 403, 404, 408, 425, 500, 501, 502, 503, 504]

export function haproxySupport(s: Scenario): SupportProblem[] {
  const b = s.balancer
  const problems: SupportProblem[] = []
  if (!(b.strategy in haproxyStrategies)) {
    const instead = b.strategy === 'maglev' ? 'consistent-hash' : b.strategy === 'peak-ewma' ? 'p2c or least-connections' : undefined
    problems.push({
      path: 'balancer.strategy',
      message:
        `HAProxy has no ${b.strategy} strategy` +
        (instead ? `; the closest it has is ${instead}` : '') +
        `. HAProxy can do: ${Object.keys(haproxyStrategies).join(', ')}`,
    })
  }
  if (b.strategy === 'consistent-hash') {
    const key = parseHashKey(b.hashKey)
    if (typeof key === 'string') problems.push({path: 'balancer.hashKey', message: key})
  }
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
}
