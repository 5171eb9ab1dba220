// The notes that say when the fairness figures will show something other than the balancer's choices:
// connections that cannot split evenly (connection-split.ts), weights the balancer does not follow, and a
// hash of the client's address, which is the same for every connection the load generator makes.
// A report's fairness divides each replica's requests by its weight from replicas.overrides, so that a
// balancer that follows the weights is fair; behind one that does not (Node's cluster, no balancer, the
// built-in proxy's round-robin) the same figures show the weights not followed, which is right against
// what the scenario declared but easy to misread as the balancer's unevenness. Said by `lbbench
// validate`, on the run's timeline before the load (the reports show them beside fairness), and by
// `compare` about that subject.
import type {fairnessNoteKinds} from '../model/report.js'
import type {Scenario} from '../model/scenario.js'
import {strategyKinds} from '../proxy/strategies/registry.js'
import {connectionSplitNote} from './connection-split.js'
import {balancerKinds} from './registry.js'
import {replicaWeights, weightsGiven} from './replica-weights.js'

export interface FairnessNote {
  kind: (typeof fairnessNoteKinds)[number]
  text: string
}

/** The notes for a scenario, in the order of `fairnessNoteKinds`; none when its figures mean what they seem to. */
export function fairnessNotes(s: Pick<Scenario, 'balancer' | 'load' | 'replicas'>): FairnessNote[] {
  const notes: FairnessNote[] = []
  const oneAddress = oneClientAddressNote(s)
  // Hashed by the one address, the connections all go to one replica: how evenly they could split is moot.
  const split = oneAddress === undefined ? connectionSplitNote(s) : undefined
  if (split) notes.push({kind: 'connection-split', text: split})
  const weights = weightsIgnoredNote(s)
  if (weights) notes.push({kind: 'weights-ignored', text: weights})
  if (oneAddress) notes.push({kind: 'one-client-address', text: oneAddress})
  return notes
}

/**
 * `replicas.overrides weigh r1 5 (the others 1), but round-robin takes …; …` when the replicas' weights
 * differ and the balancer does not follow them; undefined otherwise.
 */
export function weightsIgnoredNote(s: Pick<Scenario, 'balancer' | 'replicas'>): string | undefined {
  if (new Set(replicaWeights(s)).size < 2) return undefined
  const why = balancerKinds.get(s.balancer.kind)?.ignoresWeights?.(s.balancer)
  if (why === undefined) return undefined
  return `replicas.overrides weigh ${weightsGiven(s)}, but ${why}; the fairness figures divide each replica's requests by its weight, so they will show the weights not followed`
}

/**
 * Who ignores the weights, read from the registries (for --help): the balancer kinds without strategies
 * that say so, then the built-in proxy's strategies that do: `cluster, none, and the built-in proxy's …`.
 */
export function weightsIgnoredBy(): string {
  const kinds = [...balancerKinds.all].filter((k) => k.strategies === null && k.ignoresWeights !== undefined).map((k) => k.name)
  const strategies = strategyKinds.names.filter((name) => strategyKinds.get(name)?.ignoresWeights !== undefined)
  return `${kinds.join(', ')}, and the built-in proxy's ${strategies.join(' and ')}`
}

/**
 * `balancer.hashKey ip: …` when a balancer lbbench configures hashes the client's address: every
 * connection of the load generator comes from the one loopback address, so one replica gets every request.
 */
export function oneClientAddressNote(s: Pick<Scenario, 'balancer' | 'replicas'>): string | undefined {
  const b = s.balancer
  if (b.hashKey !== 'ip' || s.replicas.count < 2 || balancerKinds.get(b.kind)?.strategies === null) return undefined
  const spread = b.mode === 'tcp'
    ? 'mode tcp has no other key, so no hash spreads the load over the replicas at L4'
    : 'hashKey path or header:NAME spreads the requests when load.requests varies it (headers: {x-user: "user-{{n:1000}}"})'
  return `balancer.hashKey ip: every connection of the load generator comes from one address (lbbench sends on loopback only), so ${b.strategy} sends every request to one replica; ${spread}`
}
