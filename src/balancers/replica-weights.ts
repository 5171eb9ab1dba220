// The replicas' weights as the scenario declares them (replicas.overrides, 1 where none is given), and
// how the fairness notes say them, so that the notes about weights and about connections read alike.
import type {Scenario} from '../model/scenario.js'

/** Each replica's weight, by position (r1 first). */
export function replicaWeights(s: Pick<Scenario, 'replicas'>): number[] {
  return Array.from({length: s.replicas.count}, (_, i) => s.replicas.overrides[`r${i + 1}`]?.weight ?? 1)
}

/** `r1 5 (the others 1)`: the weights given, and what the others have. */
export function weightsGiven(s: Pick<Scenario, 'replicas'>): string {
  const weights = replicaWeights(s)
  const given = weights.flatMap((w, i) => (s.replicas.overrides[`r${i + 1}`]?.weight === undefined ? [] : [`r${i + 1} ${w}`]))
  return `${given.join(', ')}${given.length < weights.length ? ' (the others 1)' : ''}`
}
