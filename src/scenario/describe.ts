// A scenario in one line, for `lbbench validate` and progress headers:
// `failover: 4 cluster replicas, builtin balancer, round-robin, measured 10s`.

import {formatDuration} from './duration.js'
import type {Scenario} from '../model/scenario.js'
import {plural} from '../model/plural.js'

export function describeScenario(s: Scenario): string {
  const replicas = plural(s.replicas.count, `${s.replicas.kind} replica`)
  const b = s.balancer
  const balancer =
    b.kind === 'none'
      ? 'no balancer'
      : b.kind === 'cluster'
        ? `cluster balancer, ${b.schedulingPolicy === 'rr' ? 'round-robin' : 'OS scheduling'}`
        : `${b.kind} balancer, ${b.strategy}${b.hashKey ? ` by ${b.hashKey}` : ''}${proxyWorkers(s)}`
  const measured = s.load.phases.filter((p) => p.measure).reduce((sum, p) => sum + p.duration, 0)
  return `${s.name}: ${replicas}, ${balancer}, measured ${formatDuration(measured)}`
}

/** The built-in proxy in several processes: how many, and whether they share their health state. */
function proxyWorkers(s: Scenario): string {
  const b = s.balancer
  if (b.kind !== 'builtin' || b.workers <= 1) return ''
  return `, ${b.workers} workers ${b.sharedState ? 'sharing health state' : 'each with its own state'}`
}
