// Adding up the 100 ms parts of samples (model/generator-messages.ts TenthsSample): the samples of
// several generators for one second, or the two phases of a second that straddles them. Counts add
// entry by entry and the coarse latency histograms add bucket by bucket, so the sum is exact.

import type {TenthsSample} from '../model/generator-messages.js'
import {addFinePairs, pairsOf} from './fine-histogram.js'

const COUNT_KEYS = ['sent', 'completed', 'non2xx', 'connect', 'reset', 'timeout', 'lost', 'cutOff'] as const

const zeros = (): number[] => new Array<number>(10).fill(0)

function addInto(into: number[], from: readonly number[] | undefined): void {
  if (!from) return
  for (let j = 0; j < into.length; j++) into[j] += from[j] ?? 0
}

/** The parts of all the given ones added up; undefined when none has any (samples from an older generator). */
export function sumTenths(parts: ReadonlyArray<TenthsSample | undefined>): TenthsSample | undefined {
  const present = parts.filter((p): p is TenthsSample => p !== undefined)
  if (present.length === 0) return undefined
  if (present.length === 1) return present[0]
  const sum: TenthsSample = {
    sent: zeros(), completed: zeros(), non2xx: zeros(), connect: zeros(), reset: zeros(), timeout: zeros(), lost: zeros(), cutOff: zeros(),
    perBackend: {},
    latency: [],
  }
  const latency = Array.from({length: 10}, () => new Map<number, number>())
  for (const p of present) {
    for (const key of COUNT_KEYS) addInto(sum[key], p[key])
    for (const [id, counts] of Object.entries(p.perBackend)) addInto((sum.perBackend[id] ??= zeros()), counts)
    p.latency.forEach((pairs, j) => addFinePairs(latency[j], pairs))
  }
  sum.latency = latency.map(pairsOf)
  return sum
}
