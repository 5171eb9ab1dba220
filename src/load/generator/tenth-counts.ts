// The current second's counts split into its ten 100 ms parts, for the report's finer series. The phase
// runner's clock moves `SecondCounts.tenth` on every 100 ms, so a handler only adds one to an entry of a
// preallocated array (no clock read, no allocation per response); latency goes into a coarse histogram
// per part (metrics/fine-histogram.ts), one flat array for all ten parts.

import {FINE_BUCKETS, finePairs} from '../../metrics/fine-histogram.js'
import type {TenthsSample} from '../../model/generator-messages.js'

export const TENTHS = 10

const counts = (): Int32Array => new Int32Array(TENTHS)
const list = (a: Int32Array): number[] => Array.from(a)

export class TenthCounts {
  readonly sent = counts()
  readonly completed = counts()
  readonly non2xx = counts()
  readonly connect = counts()
  readonly reset = counts()
  readonly timeout = counts()
  readonly lost = counts()
  readonly cutOff = counts()
  /** Part j's histogram is latency[j * FINE_BUCKETS + bucket]. */
  readonly latency = new Uint32Array(TENTHS * FINE_BUCKETS)

  /** The sample's part; `perBackend` holds each backend's responses per part. */
  toSample(perBackend: Record<string, number[]>): TenthsSample {
    const latency: number[][] = []
    for (let j = 0; j < TENTHS; j++) latency.push(finePairs(this.latency, j * FINE_BUCKETS))
    return {
      sent: list(this.sent),
      completed: list(this.completed),
      non2xx: list(this.non2xx),
      connect: list(this.connect),
      reset: list(this.reset),
      timeout: list(this.timeout),
      lost: list(this.lost),
      cutOff: list(this.cutOff),
      perBackend,
      latency,
    }
  }

  clear(): void {
    for (const a of [this.sent, this.completed, this.non2xx, this.connect, this.reset, this.timeout, this.lost, this.cutOff]) a.fill(0)
    this.latency.fill(0)
  }
}

/** One backend's responses per part. */
export const backendTenths = counts
export const tenthsList = list
