// No balancer: the load goes straight to the replicas, the baseline every balancer's cost is measured against.
import {strategyNotApplicable, type BalancerKind} from '../balancer-kind.js'

export const none: BalancerKind = {
  name: 'none',
  summary: 'no balancer: the load generator spreads its connections over the replicas directly',
  strategies: null,
  checkSections: (b) => strategyNotApplicable(b, 'balancer kind none sends the load straight to the replicas'),
  check: () => [],
  label: () => 'no balancer (direct)',
  // Each of the generator's clients is given one replica's address, kept alive or not.
  splitsByConnection: () => 'with no balancer each client of the load generator is given one replica',
  ignoresWeights: () => 'with no balancer the load generator spreads its connections over the replicas whatever the weights',
  defaultHealth: () => ({}),
  create: async (opts) => new (await import('../none.js')).NoBalancer(opts),
}
