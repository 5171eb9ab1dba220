// Which request each client sends next. autocannon plays its `requests` as a sequence; a scenario's
// requests have weights, so each client instead makes an independent weighted choice per request, with
// a random sequence of its own derived from the scenario's seed (the same seed, the same choices).
// Every request's buffer is prebuilt by autocannon (none has setupRequest), so choosing is just an index.

import {deriveSeed, seededRandom, type Random} from '../../model/random.js'
import type {RequestSpec} from '../../model/scenario.js'
import type {AcRequestIterator} from './autocannon-client.js'
import {expandKeys} from './request-keys.js'

export class RequestChoice {
  /** The phase's requests in autocannon's form, `{{n:…}}` placeholders expanded (request-keys.ts). */
  readonly requests: Array<Record<string, unknown>>
  private readonly pick: ((u: number) => number) | undefined

  constructor(requests: readonly RequestSpec[], private readonly seed: number, private readonly phase: string) {
    const specs = expandKeys(requests)
    this.requests = specs.map(toAutocannonRequest)
    this.pick = weightedPicker(specs)
  }

  /** Makes client `index` of the phase choose its requests. */
  setUp(it: AcRequestIterator, index: number): void {
    if (this.pick) {
      weightRequests(it, this.pick, seededRandom(deriveSeed(this.seed, `generator/${this.phase}/${index}`)))
    } else if (this.requests.length === 1) {
      // autocannon would deep-clone the (unused) request context before every send of a lone request.
      it.nextRequest = sameRequest
    }
  }
}

function toAutocannonRequest(r: RequestSpec): Record<string, unknown> {
  const req: Record<string, unknown> = {method: r.method, path: r.path, headers: {...r.headers}}
  if (r.body !== undefined) req.body = r.body
  return req
}

/** RequestIterator#nextRequest for a single request: the same prebuilt buffer every time. */
function sameRequest(this: AcRequestIterator): unknown {
  return this.currentRequest
}

/** A function from a uniform [0,1) number to a request index by weight, or undefined for one request. */
export function weightedPicker(requests: readonly RequestSpec[]): ((u: number) => number) | undefined {
  if (requests.length < 2) return undefined
  const cumulative: number[] = []
  let total = 0
  for (const r of requests) cumulative.push((total += Math.max(0, r.weight)))
  // Binary search: an expanded `{{n:…}}` request makes thousands of entries.
  return (u) => {
    const x = u * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cumulative[mid] <= x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** Replaces the iterator's sequence with a weighted choice per request, drawn from `random`. */
function weightRequests(it: AcRequestIterator, pick: (u: number) => number, random: Random): void {
  const choose = (): unknown => {
    it.resetted = false
    it.currentRequestIndex = pick(random())
    it.currentRequest = it.requests[it.currentRequestIndex]
    return it.currentRequest
  }
  choose()
  it.nextRequest = choose
}
