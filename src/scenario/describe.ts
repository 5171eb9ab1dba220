// A scenario in one line, for `lbbench validate` and progress headers:
// `failover: 4 cluster replicas, built-in proxy (round-robin), measured 10s`; and its replicas as the
// reports name them. A system lbbench did not start may list none: its balancer knows its backends.

import {describeBalancer} from '../balancers/registry.js'
import {formatDuration} from './duration.js'
import type {ReplicasSpec, Scenario} from '../model/scenario.js'
import {plural} from '../model/plural.js'

export function describeScenario(s: Scenario): string {
  const replicas = s.replicas.count === 0 ? `${s.replicas.kind} replicas not listed` : plural(s.replicas.count, `${s.replicas.kind} replica`)
  const measured = s.load.phases.filter((p) => p.measure).reduce((sum, p) => sum + p.duration, 0)
  return `${s.name}: ${replicas}, ${describeBalancer(s.balancer)}, measured ${formatDuration(measured)}`
}

/** The replicas as a report's header names them: `3 replicas (cluster)`, or `replicas not listed (external)`. */
export function replicasLabel(r: Pick<ReplicasSpec, 'count' | 'kind'>): string {
  return `${r.count === 0 ? 'replicas not listed' : plural(r.count, 'replica')} (${r.kind})`
}
