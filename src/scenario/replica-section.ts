// What the replicas section resolves to where the file leaves things out: the count, from the one
// per-replica list the kind takes (ports, addresses), and the whole section, from the balancer kind (an
// external balancer's default is no replicas listed). schema.ts resolves with these; parts.ts uses them
// for the checks that need only the ids when another replicas field is wrong.

import type {z} from 'zod'
import {balancerKinds} from '../balancers/registry.js'
import {replicaKinds} from '../replicas/registry.js'

/** The lists with one entry per replica (ports, addresses): replicas.count comes from the one given. */
export const perReplicaKeys = [...new Set(replicaKinds.all.flatMap((k) => Object.keys(k.options).filter((key) => k.options[key].perReplica)))]

/** Reports a problem with the count; parts.ts passes one that ignores it (the whole file's parse reports it). */
type CountIssues = Pick<z.RefinementCtx, 'addIssue'>

/**
 * A per-replica list of the kind (ports, addresses) gives the count, and a count given must agree with
 * it; external replicas are their list, so without one there are none. Otherwise 2.
 */
export function replicaCount(r: {count?: number; kind: string} & Record<string, unknown>, ctx: CountIssues, max: number): number {
  const kind = replicaKinds.get(r.kind)!
  const key = perReplicaKeys.find((k) => kind.options[k] !== undefined && r[k] !== undefined) ?? perReplicaKeys.find((k) => kind.options[k]?.perReplica)
  const listed = key !== undefined && Array.isArray(r[key]) ? r[key].length : undefined
  const fromList = listed ?? (kind.defaultCount === 0 ? 0 : undefined)
  if (r.count !== undefined && fromList !== undefined && r.count !== fromList) {
    const lists = fromList === 0 ? 'lists none' : `lists ${fromList}`
    ctx.addIssue({code: 'custom', path: ['count'], input: r.count, message: `is ${r.count}, but replicas.${key} ${lists}; leave count out: the list gives it`})
  }
  if (listed !== undefined && listed > max) {
    ctx.addIssue({code: 'custom', path: [key!], input: r[key!], message: `must have at most ${max} entries (the limit of replicas); got ${listed}`})
  }
  return r.count ?? fromList ?? kind.defaultCount ?? 2
}

/** The replicas section as the file gives it, or the balancer kind's default (an external balancer: none listed). */
export function replicasOrDefault(section: unknown, balancerKind: unknown): unknown {
  if (section !== undefined) return section
  return (typeof balancerKind === 'string' ? balancerKinds.get(balancerKind)?.defaultReplicas : undefined) ?? {}
}
