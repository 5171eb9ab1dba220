// Which replica served a response, from the value a balancer lbbench did not configure puts in its
// backend header: a replica's name (r2) or address (127.0.0.1:9002). A value that names neither is counted
// under `other`, so that what the balancer said is neither dropped nor taken for a replica. With no
// replicas listed there is nothing to match: the values of the scenario's header are the backends' names as
// the balancer gives them, and without such a header the run has no per-backend figures at all (whatever
// other header a response may carry). Applied to each second's sample as it arrives, never per response.

import type {Sample} from '../model/generator-messages.js'
import {encodeHistogram, mergeEncoded} from './histogram.js'

/** The backend of the responses whose header named none of the replicas. */
export const OTHER_BACKEND = 'other'

/** With no replicas listed, this many distinct names are kept; more go under `other` (a header that is not a backend's name). */
const MOST_NAMES = 64

/** A header value → the id the report counts it under; undefined: counted under no backend. */
export type BackendNamer = (value: string) => string | undefined

/** `header`: the scenario names the header the values come from. */
export function backendNamer(replicas: ReadonlyArray<{id: string; address: string}>, header: string | undefined): BackendNamer {
  if (replicas.length === 0 && header === undefined) return () => undefined
  if (replicas.length === 0) {
    const seen = new Set<string>()
    return (value) => {
      const name = value.trim()
      if (!seen.has(name) && seen.size < MOST_NAMES) seen.add(name)
      return seen.has(name) ? name : OTHER_BACKEND
    }
  }
  const ids = new Map<string, string>()
  for (const r of replicas) ids.set(r.id, r.id).set(r.address, r.id)
  return (value) => ids.get(value.trim()) ?? OTHER_BACKEND
}

/** The sample with its per-backend counts under the namer's ids (values that name the same one merged); its totals are untouched. */
export function renameBackends(sample: Sample, name: BackendNamer): Sample {
  const groups = new Map<string, Array<Sample['perBackend'][string]>>()
  for (const [value, counts] of Object.entries(sample.perBackend)) {
    const id = name(value)
    if (id === undefined) continue
    const group = groups.get(id)
    if (group) group.push(counts)
    else groups.set(id, [counts])
  }
  const perBackend: Sample['perBackend'] = {}
  for (const [id, group] of groups) {
    perBackend[id] =
      group.length === 1
        ? group[0]
        : {
            completed: group.reduce((n, b) => n + b.completed, 0),
            non2xx: group.reduce((n, b) => n + b.non2xx, 0),
            histogram: encodeHistogram(mergeEncoded(group.map((b) => b.histogram))),
          }
  }
  const renamed: Sample = {...sample, perBackend}
  if (sample.tenths) renamed.tenths = {...sample.tenths, perBackend: renameTenths(sample.tenths.perBackend, name)}
  return renamed
}

/** The 100 ms parts' responses per backend under the namer's ids, added up where values name the same one. */
function renameTenths(perBackend: Record<string, number[]>, name: BackendNamer): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const [value, counts] of Object.entries(perBackend)) {
    const id = name(value)
    if (id === undefined) continue
    const sum = out[id]
    out[id] = sum ? sum.map((n, i) => n + (counts[i] ?? 0)) : [...counts]
  }
  return out
}
