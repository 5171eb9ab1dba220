// A coarse latency histogram for 100 ms buckets, cheap enough for the generator's per-response handler:
// finding a value's bucket is a compare, a count of leading zeros and a shift, and recording it is one
// array increment (an HDR histogram's recordValue costs several times that, and ten of them a second
// would each need encoding). Buckets are log-linear like HDR's: exact below 64 µs, then 32 per power of
// two, so a bucket is at most 1/32 (3.1%) of its value wide. Counts add, so the histograms of several
// generators (or of two phases in one second) merge exactly, and percentiles are always read from the
// merged counts, never averaged.

/** Values below this are their own bucket. */
const EXACT = 64
/** Bucket index of the largest value that fits in 31 bits (2^31 µs is 35 minutes: no latency is longer). */
export const FINE_BUCKETS = 864
const LARGEST = 0x7fffffff

/** The bucket of a latency in whole µs (≥ 0). */
export function fineBucket(us: number): number {
  if (us < EXACT) return us
  const v = us > LARGEST ? LARGEST : us
  const shift = 26 - Math.clz32(v) // (highest bit) - 5
  return shift * 32 + (v >>> shift)
}

/** The value a bucket stands for: its middle, in whole µs (within 1.6% of any value in it). */
export function fineBucketValue(index: number): number {
  if (index < EXACT) return index
  const shift = Math.floor(index / 32) - 1
  const lower = (index - shift * 32) * 2 ** shift
  return lower + Math.floor((2 ** shift - 1) / 2)
}

/** A sparse copy of `counts[offset .. offset + FINE_BUCKETS)`: `[bucket, count, bucket, count, …]`. */
export function finePairs(counts: ArrayLike<number>, offset = 0): number[] {
  const pairs: number[] = []
  for (let i = 0; i < FINE_BUCKETS; i++) {
    const n = counts[offset + i]
    if (n > 0) pairs.push(i, n)
  }
  return pairs
}

/** Adds the sparse histograms into one, as a map from bucket to count. */
export function addFinePairs(into: Map<number, number>, pairs: readonly number[]): Map<number, number> {
  for (let i = 0; i + 1 < pairs.length; i += 2) into.set(pairs[i], (into.get(pairs[i]) ?? 0) + pairs[i + 1])
  return into
}

/** The merged histogram back in sparse form, buckets in order. */
export function pairsOf(merged: Map<number, number>): number[] {
  return [...merged.entries()].sort(([a], [b]) => a - b).flat()
}

/** How many values the histogram holds. */
export function fineCount(merged: Map<number, number>): number {
  let n = 0
  for (const c of merged.values()) n += c
  return n
}

/**
 * The values at percentiles `ps` (0..100) in µs: for each, the bucket of the value ranked ⌈p% × count⌉
 * (at least the first), as HDR reads a percentile. Empty: zeros.
 */
export function finePercentiles(merged: Map<number, number>, ps: readonly number[]): number[] {
  const buckets = [...merged.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b)
  const total = buckets.reduce((a, [, n]) => a + n, 0)
  return ps.map((p) => {
    if (total === 0) return 0
    const rank = Math.max(1, Math.ceil((p / 100) * total))
    let seen = 0
    for (const [index, n] of buckets) {
      seen += n
      if (seen >= rank) return fineBucketValue(index)
    }
    return fineBucketValue(buckets[buckets.length - 1][0])
  })
}
