// Node's cluster module as the balancer: the replicas are the workers of one primary that listens on
// their shared port and hands connections out by its scheduling policy.
import type {KindProblem} from '../../model/kind.js'
import {keptAlive, strategyNotApplicable, type BalancerKind} from '../balancer-kind.js'

export const cluster: BalancerKind = {
  name: 'cluster',
  summary: "Node's cluster module: cluster replicas share one port and the primary hands out connections (schedulingPolicy rr or none)",
  strategies: null,
  checkSections(b, r) {
    const problems: KindProblem[] = []
    if (r !== undefined && r.kind !== 'cluster') {
      problems.push({path: 'balancer.kind', message: `the cluster balancer is Node's cluster module: it needs replicas.kind cluster, not ${r.kind}`})
    }
    // Its replicas share the primary's one port, so there is no port of each to fix.
    if (r?.ports) problems.push({path: 'replicas.ports', message: "does not apply: the cluster balancer's replicas share the one port it listens on"})
    return [...problems, ...strategyNotApplicable(b, 'the cluster balancer schedules with schedulingPolicy (rr or none)')]
  },
  check: () => [],
  label: (b) => `cluster (${b.schedulingPolicy === 'none' ? 'OS scheduling' : 'round-robin'})`,
  // Node's cluster checks nothing.
  defaultHealth: () => ({}),
  sharesReplicaPort: true,
  splitsByConnection: (s) => (keptAlive(s.load) ? "Node's cluster hands out connections, not requests" : undefined),
  ignoresWeights: () => "Node's cluster hands out connections whatever the weights",
  create: async (opts) => new (await import('../cluster.js')).ClusterBalancer(opts),
}
