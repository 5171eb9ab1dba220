// Node's cluster module as the balancer: the replicas are the workers of one primary that listens on
// their shared port and hands connections out by its scheduling policy.
import type {BalancerKind} from '../balancer-kind.js'

export const cluster: BalancerKind = {
  name: 'cluster',
  summary: "Node's cluster module: cluster replicas share one port and the primary hands out connections (schedulingPolicy rr or none)",
  strategies: null,
  // Its replicas share the primary's one port, so there is no port of each to fix.
  check: (s) => (s.replicas.ports ? [{path: 'replicas.ports', message: "does not apply: the cluster balancer's replicas share the one port it listens on"}] : []),
  label: (b) => `cluster (${b.schedulingPolicy === 'none' ? 'OS scheduling' : 'round-robin'})`,
  // Node's cluster checks nothing.
  defaultHealth: () => ({}),
  sharesReplicaPort: true,
  create: async (opts) => new (await import('../cluster.js')).ClusterBalancer(opts),
}
