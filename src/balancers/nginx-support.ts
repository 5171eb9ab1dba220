// What open-source nginx can do with a scenario (balancerSupport.nginx). Version-dependent directives
// (random needs 1.15.1) are checked again against `nginx -v` when the config is generated.
import type {Scenario} from '../model/scenario.js'
import {parseHashKey} from '../proxy/hash-key.js'
import type {SupportProblem} from './support.js'

export const nginxStrategies: Record<string, string> = {
  'round-robin': '(default) smooth weighted round robin',
  'weighted-round-robin': '(default) with server weight=N',
  'least-connections': 'least_conn',
  random: 'random',
  p2c: 'random two least_conn',
  'ip-hash': 'ip_hash',
  'consistent-hash': 'hash $key consistent',
}

/** Statuses nginx can retry and count as failures (`proxy_next_upstream http_NNN`). */
export const nginxRetryStatuses = [403, 404, 429, 500, 502, 503, 504]

export function nginxSupport(s: Scenario): SupportProblem[] {
  const b = s.balancer
  const problems: SupportProblem[] = []
  if (!(b.strategy in nginxStrategies)) {
    const instead = b.strategy === 'maglev' ? 'consistent-hash' : b.strategy === 'peak-ewma' ? 'p2c or least-connections' : undefined
    problems.push({
      path: 'balancer.strategy',
      message:
        `nginx has no ${b.strategy} strategy` +
        (instead ? `; the closest it has is ${instead}` : '') +
        `. nginx can do: ${Object.keys(nginxStrategies).join(', ')}`,
    })
  }
  if (b.strategy === 'consistent-hash') {
    const key = parseHashKey(b.hashKey)
    if (typeof key === 'string') problems.push({path: 'balancer.hashKey', message: key})
  }
  if (b.health.active) {
    problems.push({
      path: 'balancer.health.active',
      message: 'open-source nginx has no active health checks (health_check is nginx Plus only); use health.passive (max_fails / fail_timeout)',
    })
  }
  for (const status of b.health.passive?.statuses ?? []) {
    if (!nginxRetryStatuses.includes(status)) {
      problems.push({
        path: 'balancer.health.passive.statuses',
        message: `nginx can treat only ${nginxRetryStatuses.join(', ')} as upstream failures (proxy_next_upstream), not ${status}`,
      })
    }
  }
  if (b.retryBudget !== undefined) {
    problems.push({path: 'balancer.retryBudget', message: 'nginx has no retry budget; use retries (proxy_next_upstream_tries)'})
  }
  for (const [id, o] of Object.entries(s.replicas.overrides)) {
    if (o.weight !== undefined && (!Number.isInteger(o.weight) || o.weight < 1)) {
      problems.push({path: `replicas.overrides.${id}.weight`, message: `nginx weights are whole numbers ≥ 1, got ${o.weight}`})
    }
  }
  return problems
}
