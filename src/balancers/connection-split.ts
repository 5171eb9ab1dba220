// Where every request of a connection goes to one replica (Node's cluster, mode tcp, or no balancer at
// all), the requests can split no more evenly than the connections do: 6 connections over 4 replicas are
// 2, 2, 1 and 1, and the fairness figures then show that arithmetic, not the balancer (the trap of Node's
// cluster and kube-proxy, which balance connections). Said with the other fairness notes
// (fairness-notes.ts): by `lbbench validate`, on the run's timeline, and by `compare`.
import {plural} from '../model/plural.js'
import type {Scenario} from '../model/scenario.js'
import {balancerKinds} from './registry.js'

/** A best split whose busiest replica gets more than this times the mean share is worth a note. */
const UNEVEN = 1.1

/** The note for the measured phase whose connections split worst over the replicas; undefined when every one splits evenly enough. */
export function connectionSplitNote(s: Pick<Scenario, 'balancer' | 'load' | 'replicas'>): string | undefined {
  const why = balancerKinds.get(s.balancer.kind)?.splitsByConnection?.(s)
  const n = s.replicas.count
  // Weighted replicas have their own arithmetic; one replica cannot be split unevenly.
  if (why === undefined || n < 2 || Object.values(s.replicas.overrides).some((o) => o.weight !== undefined)) return undefined
  const measured = s.load.phases.filter((p) => p.measure)
  let worst = measured[0]
  for (const p of measured) if (busiest(p.connections, n) > busiest(worst.connections, n)) worst = p
  if (worst === undefined || busiest(worst.connections, n) <= UNEVEN) return undefined
  const c = worst.connections
  const where = new Set(measured.map((p) => p.connections)).size > 1 ? `phase ${worst.name}: ` : ''
  const head = `${where}load.connections ${c} over ${n} replicas, and ${why}, so all the requests of a connection go to one replica: `
  const fix = `; use a multiple of ${n} connections for an even split`
  if (c < n) return `${head}${plural(n - c, 'replica')} of ${n} ${n - c === 1 ? 'gets' : 'get'} no request${fix}`
  const [hi, lo] = [Math.ceil(c / n), Math.floor(c / n)]
  return `${head}at best ${hi} or ${lo} connections each, and the busiest replica gets ${busiest(c, n).toFixed(2)}× the mean share by the count alone${fix}`
}

/** The busiest replica's share over the mean share when `connections` split as evenly as they can over `replicas`. */
function busiest(connections: number, replicas: number): number {
  return connections < replicas ? Infinity : Math.ceil(connections / replicas) / (connections / replicas)
}
