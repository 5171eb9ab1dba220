// Balancer kinds by name (`balancer.kind`, `--balancers`). Adding a kind: its descriptor in kinds/ and
// one line here.
import {registry} from '../model/kind.js'
import type {BalancerSpec} from '../model/scenario.js'
import type {BalancerKind, ObservedBalancer} from './balancer-kind.js'
import {builtin} from './kinds/builtin.js'
import {nginx} from './kinds/nginx.js'
import {haproxy} from './kinds/haproxy.js'
import {cluster} from './kinds/cluster.js'
import {none} from './kinds/none.js'
import {external} from './kinds/external.js'

export const balancerKinds = registry<BalancerKind>('balancer', [builtin, nginx, haproxy, cluster, none, external])

/** How the reports and `lbbench validate` name a scenario's balancer; a kind this version does not know (a report from another) by its name. */
export function describeBalancer(b: BalancerSpec, observed?: ObservedBalancer): string {
  return balancerKinds.get(b.kind)?.label(b, observed) ?? `${b.kind} (${b.strategy})`
}
