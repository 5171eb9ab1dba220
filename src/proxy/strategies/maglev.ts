// maglev: Envoy's Maglev table (`source/extensions/load_balancing_policies/maglev/maglev_lb.cc`,
// `OriginalMaglevTable`), the paper's listing 1 (Eisenbud et al., NSDI 2016, §3.4) with Envoy's weights.
// Table size 65537 (prime, Envoy's default).
//   hosts sorted by key (here the backend id); offset := xxHash64(id) mod M; skip := xxHash64(id, 1) mod (M−1) + 1
//   weights normalized to sum 1; for iteration = 1, 2, …: for each host:
//     if iteration·w < target: skip it this round;  target += max w
//     take the first empty slot of its permutation (offset + skip·next) mod M
//   lookup: table[xxHash64(key) mod M];  no key: a random slot (Envoy hashes `random()` then).
// Envoy builds the table over the healthy hosts and, for a retry, XORs the hash with ~attempt+1. Here a
// backend that is down and one already tried for this request look the same (`usable` is false), so the
// table is built over the usable set whenever it differs from the last one, and the last 8 tables are
// kept: a retry or a backend going down costs one build (a few ms) and then nothing. Envoy's panic mode
// (all hosts when fewer than 50% are healthy) is the proxy's business, not modelled here.

import {xxHash64String} from './xxhash64.js'
import type {BackendView, PickRequest, StrategyKind} from './strategy.js'

export const MAGLEV_TABLE_SIZE = 65537
const M = BigInt(MAGLEV_TABLE_SIZE)
const CACHED_TABLES = 8

/** The Maglev lookup table over `members` (backend positions); each slot holds a backend position. */
export function buildMaglevTable(backends: readonly BackendView[], members: readonly number[], size = MAGLEV_TABLE_SIZE): Int32Array {
  const table = new Int32Array(size).fill(-1)
  if (members.length === 0) return table
  const sorted = [...members].sort((a, b) => (backends[a].id < backends[b].id ? -1 : backends[a].id > backends[b].id ? 1 : 0))
  const sum = sorted.reduce((s, p) => s + backends[p].weight, 0)
  const entries = sorted.map((p) => ({
    position: p,
    offset: Number(xxHash64String(backends[p].id) % BigInt(size)),
    skip: Number(xxHash64String(backends[p].id, 1n) % BigInt(size - 1)) + 1,
    weight: backends[p].weight / sum,
    target: 0,
    next: 0,
  }))
  const maxWeight = Math.max(...entries.map((e) => e.weight))
  let filled = 0
  for (let iteration = 1; filled < size; iteration++) {
    for (let i = 0; i < entries.length && filled < size; i++) {
      const e = entries[i]
      if (iteration * e.weight < e.target) continue
      e.target += maxWeight
      let c = (e.offset + e.skip * e.next) % size
      while (table[c] !== -1) {
        e.next++
        c = (e.offset + e.skip * e.next) % size
      }
      table[c] = e.position
      e.next++
      filled++
    }
  }
  return table
}

export const maglev: StrategyKind = {
  name: 'maglev',
  summary: "Envoy's Maglev table over a key: even shares, few keys move",
  needsHashKey: true,
  nearest: ['consistent-hash'],
  create({backends, random}) {
    // A usable set is named by a bit mask (sum of 2^position), exact in a double up to 53 backends;
    // beyond that a string names it (allocates, but nobody runs 53 replicas on two cores).
    const wide = backends.length > 52
    const tables = new Map<number | string, Int32Array>()
    const all = backends.map((_, i) => i)
    let lastSet: number | string = wide ? all.join(',') : 2 ** backends.length - 1
    let table = buildMaglevTable(backends, all)
    tables.set(lastSet, table)

    const tableFor = (usable: (b: BackendView) => boolean): Int32Array | undefined => {
      let set: number | string = 0
      if (wide) {
        set = backends.flatMap((b, i) => (usable(b) ? [i] : [])).join(',')
        if (set === '') return undefined
      } else {
        for (let i = 0, bit = 1; i < backends.length; i++, bit *= 2) if (usable(backends[i])) set += bit
        if (set === 0) return undefined
      }
      if (set === lastSet) return table
      let t = tables.get(set)
      if (t === undefined) {
        const members = backends.flatMap((b, i) => (usable(b) ? [i] : []))
        t = buildMaglevTable(backends, members)
        if (tables.size >= CACHED_TABLES) tables.delete(tables.keys().next().value!)
        tables.set(set, t)
      }
      lastSet = set
      table = t
      return t
    }

    return {
      pick({key, usable}: PickRequest): BackendView | undefined {
        const t = tableFor(usable)
        if (t === undefined) return undefined
        const slot = key ? Number(xxHash64String(key) % M) : Math.floor(random() * MAGLEV_TABLE_SIZE)
        return backends[t[slot]]
      },
    }
  },
}
