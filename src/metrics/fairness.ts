// How evenly the backends were used: Jain's index (Jain, Chiu, Hawe 1984; 1 = perfectly even, 1/n = one
// backend took everything), the coefficient of variation (population standard deviation / mean), and the
// busiest and idlest backend against the mean. With weights, each count is divided by its weight first,
// so a weighted balancer that honours its weights is "fair". The caller chooses which backends count
// (those up for the whole measured time): a killed backend's zero is not unfairness.

import type {Fairness} from '../model/report.js'

/** Fairness over `over` (ids; a missing count is 0). No backends or no traffic: 1, 0, 1, 1 (nothing uneven). */
export function fairness(counts: Record<string, number>, over: string[], weights: Record<string, number> = {}): Fairness {
  const xs = over.map((id) => (counts[id] ?? 0) / (weights[id] && weights[id] > 0 ? weights[id] : 1))
  const n = xs.length
  const sum = xs.reduce((a, x) => a + x, 0)
  if (n === 0 || sum === 0) return {jain: 1, cv: 0, maxMean: 1, minMean: 1, over: [...over]}
  const sumSq = xs.reduce((a, x) => a + x * x, 0)
  const mean = sum / n
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n
  return {
    jain: (sum * sum) / (n * sumSq),
    cv: Math.sqrt(variance) / mean,
    maxMean: Math.max(...xs) / mean,
    minMean: Math.min(...xs) / mean,
    over: [...over],
  }
}
