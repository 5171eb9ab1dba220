// A scenario in one line, for `lbbench validate` and progress headers:
// `failover: 4 cluster replicas, built-in proxy (round-robin), measured 10s`.

import {describeBalancer} from '../balancers/registry.js'
import {formatDuration} from './duration.js'
import type {Scenario} from '../model/scenario.js'
import {plural} from '../model/plural.js'

export function describeScenario(s: Scenario): string {
  const replicas = plural(s.replicas.count, `${s.replicas.kind} replica`)
  const measured = s.load.phases.filter((p) => p.measure).reduce((sum, p) => sum + p.duration, 0)
  return `${s.name}: ${replicas}, ${describeBalancer(s.balancer)}, measured ${formatDuration(measured)}`
}
