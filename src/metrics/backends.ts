// The per-backend table from the responses clients saw (attributed by the x-lbbench-backend header).
// The balancer's own view (attempts, retries included) and the backend's events come from elsewhere:
// the caller fills `attempts` and `events`.

import type {Sample} from '../model/generator-messages.js'
import type {BackendReport} from '../model/report.js'
import {encodeHistogram, mergeEncoded, percentileUs} from './histogram.js'

/**
 * One row per backend: every id of `ids` (in that order, even with no responses), then any other id the
 * responses named (sorted). Share is of the responses that named a backend. Pass measured samples.
 */
export function backendRows(samples: Sample[], ids: string[], weights: Record<string, number> = {}): BackendReport[] {
  const histograms = new Map<string, string[]>()
  const requests = new Map<string, number>()
  const errors = new Map<string, number>()
  for (const s of samples) {
    for (const [id, b] of Object.entries(s.perBackend)) {
      requests.set(id, (requests.get(id) ?? 0) + b.completed)
      errors.set(id, (errors.get(id) ?? 0) + b.non2xx)
      const list = histograms.get(id)
      if (list) list.push(b.histogram)
      else histograms.set(id, [b.histogram])
    }
  }
  const known = new Set(ids)
  const all = [...ids, ...[...requests.keys()].filter((id) => !known.has(id)).sort()]
  const total = [...requests.values()].reduce((a, n) => a + n, 0)
  return all.map((id) => {
    const h = mergeEncoded(histograms.get(id) ?? [])
    const n = requests.get(id) ?? 0
    const row: BackendReport = {
      id,
      requests: n,
      share: total > 0 ? n / total : 0,
      errors: errors.get(id) ?? 0,
      latencyUs: {p50: percentileUs(h, 50), p99: percentileUs(h, 99)},
      events: [],
    }
    if (weights[id] !== undefined) row.weight = weights[id]
    if (h.totalCount > 0) row.histogram = encodeHistogram(h)
    return row
  })
}
