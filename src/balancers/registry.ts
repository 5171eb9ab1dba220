// Balancer kinds by name. Each entry loads its file only when used.
import type {Balancer, BalancerOptions} from './balancer.js'

type Factory = (opts: BalancerOptions) => Promise<Balancer>

export const balancerKinds: Record<string, Factory> = {
  builtin: async (o) => new (await import('./builtin.js')).BuiltinBalancer(o),
  nginx: async (o) => new (await import('./nginx.js')).NginxBalancer(o),
  haproxy: async (o) => new (await import('./haproxy.js')).HaproxyBalancer(o),
  cluster: async (o) => new (await import('./cluster.js')).ClusterBalancer(o),
  none: async (o) => new (await import('./none.js')).NoBalancer(o),
}
