// Open-source nginx in front of the replicas, with a generated nginx.conf or your own (balancer.config,
// read by nginx-template.ts). Version-dependent directives (random needs 1.15.1) are checked again
// against `nginx -v` when the config is generated.
import type {KindProblem} from '../../model/kind.js'
import {modeLabel, modeOption, modeProblems, tcpSplitsByConnection} from '../balancer-mode.js'
import {hashKeyProblem, ownStackLabel, strategyLabel, strategyProblem, type BalancerKind} from '../balancer-kind.js'
import {nginxOwnConfig} from '../nginx-template.js'

const strategies: Record<string, string> = {
  'round-robin': '(default) smooth weighted round robin',
  'weighted-round-robin': '(default) with server weight=N',
  'least-connections': 'least_conn',
  random: 'random',
  p2c: 'random two least_conn',
  'ip-hash': 'ip_hash',
  'consistent-hash': 'hash $key consistent',
}

/** Statuses nginx can retry and count as failures (`proxy_next_upstream http_NNN`). */
const nginxRetryStatuses = [403, 404, 429, 500, 502, 503, 504]

export const nginx: BalancerKind = {
  name: 'nginx',
  summary: 'open-source nginx with a generated nginx.conf or your own: its own strategies, passive health (max_fails), retries, TLS',
  strategies,
  options: {mode: modeOption},
  splitsByConnection: tcpSplitsByConnection,
  check(s) {
    const b = s.balancer
    const problems: KindProblem[] = [...strategyProblem('nginx', b, strategies), ...hashKeyProblem(b), ...modeProblems(b)]
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
  },
  label: (b) => `nginx (${[strategyLabel(b), ...modeLabel(b), ...ownStackLabel(b)].join(', ')})`,
  terminatesTls: true,
  ownConfig: nginxOwnConfig,
  // nginx's own defaults: max_fails=1 fail_timeout=10s.
  defaultHealth: () => ({passive: {maxFails: 1, failTimeout: 10_000, statuses: []}}),
  create: async (opts) => new (await import('../nginx.js')).NginxBalancer(opts),
}
