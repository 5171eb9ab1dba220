// What each request and response tells the generator, recorded into the counts of the current second.
// autocannon's own statistics are never read (its histogram has 1 ms resolution and no backends):
// - `sent` is counted from the client's `request` event, which it emits right before writing a request;
// - latency comes from the client's `response` event (float ms), recorded as integer µs into our own
//   HDR histograms, per backend too: the backend is read from the response headers of the same client
//   (x-lbbench-backend, which every balancer adds, or else the built-in app's x-lbbench-replica; before
//   both, the header a balancer lbbench did not configure names it in, when the scenario gives one).
// Every count also goes into the current 100 ms part of the second (counts.tenth, moved on by the phase
// runner's clock), as one more array increment each. Every 64th event also looks at that clock
// (clock-due.ts: timers starve when more than 1024 sockets are ready at once).
// The listeners are made once and shared by every client (autocannon calls them with the client as
// `this`), so a client costs no closures; the only per-response allocation is inside the HDR record
// when a bucket is new.

import {performance} from 'node:perf_hooks'
import {FINE_BUCKETS, fineBucket} from '../../metrics/fine-histogram.js'
import type {AcClient} from './autocannon-client.js'
import {CHECK_EVERY} from './clock-due.js'
import type {SecondCounts} from './second-counts.js'

/** Listeners, handed to client.on() on their own: `this` is the client that emitted the event. */
export interface RecordingListeners {
  onRequest: (this: AcClient) => void
  onHeaders: (this: AcClient, info: {headers: string[]}) => void
  onResponse: (this: AcClient, status: number, bytes: number, ms: number) => void
  onTimeout: () => void
}

/** The listeners that record every client's requests and responses into `counts`; `backendHeader`: see backendFrom(). */
export function recordingListeners(counts: SecondCounts, backendHeader?: string): RecordingListeners {
  const tenths = counts.tenths
  const due = counts.due
  function onRequest(this: AcClient): void {
    counts.sent++
    tenths.sent[counts.tenth]++
    this.lbSentTenth = counts.clockTenth
    if (++due.events >= CHECK_EVERY) due.check()
  }

  function onResponse(this: AcClient, status: number, bytes: number, ms: number): void {
    this.lbConnectFailures = 0
    if (++due.events >= CHECK_EVERY) due.check()
    let us: number
    if (this.lbPaced) {
      // Intended-send timing: from when the request was due (pacing.ts sets lbIntended).
      us = Math.round((performance.now() - this.lbIntended) * 1000)
      const actual = Math.round(ms * 1000)
      counts.uncorrected.recordValue(actual < 1 ? 1 : actual)
    } else {
      us = Math.round(ms * 1000)
    }
    if (us < 1) us = 1
    const tenth = counts.tenth
    const bad = status < 200 || status >= 300
    counts.completed++
    counts.bytes += bytes
    counts.status[status >= 0 && status < 1000 ? status : 999]++
    tenths.completed[tenth]++
    if (bad) tenths.non2xx[tenth]++
    tenths.latency[tenth * FINE_BUCKETS + fineBucket(us)]++
    const id = this.lbBackend
    if (id === undefined) {
      counts.unattributed.recordValue(us)
    } else {
      // A connection keeps to one backend (or alternates among a few): compare with the last one before
      // hashing the id into the map.
      let b = this.lbCounts
      if (id !== this.lbCountsId || b === undefined) {
        b = counts.backend(id)
        this.lbCounts = b
        this.lbCountsId = id
      }
      b.completed++
      if (bad) b.non2xx++
      b.tenths[tenth]++
      b.histogram.recordValue(us)
      this.lbBackend = undefined
    }
  }

  function onTimeout(): void {
    counts.timeout++
    tenths.timeout[counts.tenth]++
  }

  return {onRequest, onHeaders: backendHeader === undefined ? onHeaders : backendFrom(backendHeader), onResponse, onTimeout}
}

/** onHeaders, with the backend named by the header `name` (a balancer's own) where a response has it. */
function backendFrom(name: string): RecordingListeners['onHeaders'] {
  const lower = name.toLowerCase()
  return function onHeadersWith(this: AcClient, info: {headers: string[]}): void {
    onHeaders.call(this, info)
    const h = info.headers
    for (let i = 0; i < h.length; i += 2) {
      if (h[i].length === lower.length && h[i].toLowerCase() === lower) {
        this.lbBackend = h[i + 1]
        return
      }
    }
  }
}

/** `raw` is the header name `lower` (lower case) in any spelling; the usual spellings cost one compare. */
function isHeader(raw: string, lower: string, usual: string): boolean {
  return raw === lower || raw === usual || raw.toLowerCase() === lower
}

/** Notes on the client which backend the response comes from and whether it closes the connection. */
export function onHeaders(this: AcClient, info: {headers: string[]}): void {
  const h = info.headers
  let backend: string | undefined
  let replica: string | undefined
  let close = false
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i]
    const len = name.length
    // Only names of these lengths can matter, told apart by one letter before any string compare:
    // 17 = x-lbbench-backend / x-lbbench-replica (11th letter b / r), 10 = connection (not Keep-Alive).
    if (len === 17) {
      const c = name.charCodeAt(10) | 0x20
      if (c === 0x62 && isHeader(name, 'x-lbbench-backend', 'X-Lbbench-Backend')) backend = h[i + 1]
      else if (c === 0x72 && isHeader(name, 'x-lbbench-replica', 'X-Lbbench-Replica')) replica = h[i + 1]
    } else if (len === 10 && (name.charCodeAt(0) | 0x20) === 0x63 && isHeader(name, 'connection', 'Connection')) {
      const v = h[i + 1]
      close = v.length === 5 && v.toLowerCase() === 'close'
    }
  }
  this.lbBackend = backend ?? replica
  this.lbClose = close
}
