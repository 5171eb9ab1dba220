// Where every request of a connection goes to one replica (Node's cluster, mode tcp, or no balancer at
// all), the requests can split no more evenly than the connections do: 6 connections over 4 replicas are
// 2, 2, 1 and 1, and the fairness figures then show that arithmetic, not the balancer (the trap of Node's
// cluster and kube-proxy, which balance connections). With weights the balancer follows, the same holds of
// each replica's weighted share: 6 connections over weights 2, 1, 1, 1 are at best 3, 1, 1 and 1, r1 at
// 1.25× its share. Said with the other fairness notes (fairness-notes.ts): by `lbbench validate`, on the
// run's timeline, and by `compare`.
import {plural} from '../model/plural.js'
import type {Scenario} from '../model/scenario.js'
import {balancerKinds} from './registry.js'
import {replicaWeights, weightsGiven} from './replica-weights.js'

/** A best split whose busiest replica gets more than this times its share is worth a note. */
const UNEVEN = 1.1

/** The note for the measured phase whose connections split worst over the replicas; undefined when every one splits evenly enough. */
export function connectionSplitNote(s: Pick<Scenario, 'balancer' | 'load' | 'replicas'>): string | undefined {
  const kind = balancerKinds.get(s.balancer.kind)
  const why = kind?.splitsByConnection?.(s)
  const weights = replicaWeights(s)
  const weighted = new Set(weights).size > 1
  // One replica cannot be split unevenly; weights the balancer does not follow have a note of their own.
  if (why === undefined || weights.length < 2 || (weighted && kind?.ignoresWeights?.(s.balancer) !== undefined)) return undefined
  const measured = s.load.phases.filter((p) => p.measure).map((p) => ({phase: p, split: bestSplit(p.connections, weights)}))
  let worst = measured[0]
  for (const m of measured) if (m.split.busiest > worst.split.busiest) worst = m
  if (worst === undefined || worst.split.busiest <= UNEVEN) return undefined
  const n = weights.length
  const c = worst.phase.connections
  const where = new Set(measured.map((m) => m.phase.connections)).size > 1 ? `phase ${worst.phase.name}: ` : ''
  const over = weighted ? `${n} replicas weighted ${weightsGiven(s)}` : `${n} replicas`
  const head = `${where}load.connections ${c} over ${over}, and ${why}, so all the requests of a connection go to one replica: `
  const fix = weighted ? `; use a multiple of ${evenMultiple(weights)} connections for a split by weight` : `; use a multiple of ${n} connections for an even split`
  const none = worst.split.counts.filter((k) => k === 0).length
  if (none > 0) return `${head}${plural(none, 'replica')} of ${n} ${none === 1 ? 'gets' : 'get'} no request${fix}`
  const {counts, shares, at, busiest} = worst.split
  if (!weighted) return `${head}at best ${Math.ceil(c / n)} or ${Math.floor(c / n)} connections each, and the busiest replica gets ${busiest.toFixed(2)}× the mean share by the count alone${fix}`
  return `${head}at best r${at + 1} gets ${plural(counts[at], 'connection')} where its weight would give it ${Number(shares[at].toFixed(2))}, ${busiest.toFixed(2)}× its share by the count alone${fix}`
}

interface Split {
  /** Connections per replica, by position. */
  counts: number[]
  /** What each replica's weight would give it: connections × weight / the weights' sum. */
  shares: number[]
  /** The replica most over its share (one with none, when some get none). */
  at: number
  /** How far it is over: its count over its share (Infinity when some get none). */
  busiest: number
}

/**
 * The split of `connections` over replicas of these weights whose busiest replica is least over its share:
 * one connection each first, when there are enough (a replica with none gets no request, which no share
 * makes up for), then each next connection to the replica that would be least over its share after it
 * (D'Hondt's method, which gives that minimum). Equal weights give `ceil` or `floor` of the mean each, the
 * first replicas the larger.
 */
export function bestSplit(connections: number, weights: number[]): Split {
  const sum = weights.reduce((a, w) => a + w, 0)
  const shares = weights.map((w) => (connections * w) / sum)
  if (connections < weights.length) {
    // Fewer than one each: the heaviest get one; the others none, however they are chosen.
    const heaviest = weights.map((w, i) => ({w, i})).sort((a, b) => b.w - a.w || a.i - b.i).slice(0, connections)
    const counts = weights.map((_, i) => (heaviest.some((h) => h.i === i) ? 1 : 0))
    return {counts, shares, at: counts.indexOf(0), busiest: Infinity}
  }
  const counts = weights.map(() => 1)
  for (let k = weights.length; k < connections; k++) {
    let pick = 0
    for (let i = 1; i < counts.length; i++) if ((counts[i] + 1) / shares[i] < (counts[pick] + 1) / shares[pick]) pick = i
    counts[pick] += 1
  }
  let at = 0
  for (let i = 1; i < counts.length; i++) if (counts[i] / shares[i] > counts[at] / shares[at]) at = i
  return {counts, shares, at, busiest: counts[at] / shares[at]}
}

/** The fewest connections that split exactly by these weights: their sum over their greatest common divisor. */
function evenMultiple(weights: number[]): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
  return weights.reduce((a, w) => a + w, 0) / weights.reduce(gcd)
}
