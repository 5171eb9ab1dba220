// Every random choice of a run (strategies, app latency, fault targets) comes from a generator seeded by
// the scenario's seed, so that a run can be reproduced. mulberry32: small, fast, good enough for choices.

export type Random = () => number

export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A seed for one part of a run, derived from the scenario's seed and the part's name. */
export function deriveSeed(seed: number, part: string): number {
  let h = seed >>> 0
  for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 2654435761) >>> 0
  return h
}
