// The notes that say when the fairness figures will show something other than the balancer's choices:
// connections that cannot split evenly (connection-split.ts), and weights the balancer does not follow.
// A report's fairness divides each replica's requests by its weight from replicas.overrides, so that a
// balancer that follows the weights is fair; behind one that does not (Node's cluster, no balancer, the
// built-in proxy's round-robin) the same figures show the weights not followed, which is right against
// what the scenario declared but easy to misread as the balancer's unevenness. Said by `lbbench
// validate`, on the run's timeline before the load (the reports show them beside fairness), and by
// `compare` about that subject.
import type {fairnessNoteKinds} from '../model/report.js'
import type {Scenario} from '../model/scenario.js'
import {connectionSplitNote} from './connection-split.js'
import {balancerKinds} from './registry.js'

export interface FairnessNote {
  kind: (typeof fairnessNoteKinds)[number]
  text: string
}

/** The notes for a scenario, in the order of `fairnessNoteKinds`; none when its figures mean what they seem to. */
export function fairnessNotes(s: Pick<Scenario, 'balancer' | 'load' | 'replicas'>): FairnessNote[] {
  const notes: FairnessNote[] = []
  const split = connectionSplitNote(s)
  if (split) notes.push({kind: 'connection-split', text: split})
  const weights = weightsIgnoredNote(s)
  if (weights) notes.push({kind: 'weights-ignored', text: weights})
  return notes
}

/**
 * `replicas.overrides weigh r1 5 (the others 1), but round-robin takes …; …` when the replicas' weights
 * differ and the balancer does not follow them; undefined otherwise.
 */
export function weightsIgnoredNote(s: Pick<Scenario, 'balancer' | 'replicas'>): string | undefined {
  const weights = Array.from({length: s.replicas.count}, (_, i) => s.replicas.overrides[`r${i + 1}`]?.weight ?? 1)
  if (new Set(weights).size < 2) return undefined
  const why = balancerKinds.get(s.balancer.kind)?.ignoresWeights?.(s.balancer)
  if (why === undefined) return undefined
  const given = weights.flatMap((w, i) => (s.replicas.overrides[`r${i + 1}`]?.weight === undefined ? [] : [`r${i + 1} ${w}`]))
  const others = given.length < weights.length ? ' (the others 1)' : ''
  return `replicas.overrides weigh ${given.join(', ')}${others}, but ${why}; the fairness figures divide each replica's requests by its weight, so they will show the weights not followed`
}
