// Counts in sentences: `1 threshold`, `3 thresholds`. Every message and report line that puts a number
// before a noun goes through here, so none says "all 1 thresholds" or "1 replicas".

/** The count and its noun, singular for exactly one; `shown` is the count as written (e.g. `1,200`). */
export function plural(n: number, word: string, shown: string = String(n)): string {
  return `${shown} ${n === 1 ? word : `${word}s`}`
}
