// The load generator process: runs the phases with autocannon and streams one sample per second of the
// load clock to the orchestrator. It lives in its own process so that its event loop neither slows nor
// is slowed by the proxy or the replicas (DESIGN.md "Process model").
//
// autocannon is used for its HTTP client, not for its statistics (node-libraries.md §1.5):
// - latency comes from each client's `response` event (float ms) recorded as integer µs into our own
//   HDR histograms, per backend too (the backend is read from the response headers of the same client);
// - `sent` is counted from the client's `request` event, which it emits right before writing a request;
// - a request written on a connection the server closes without answering is resent by autocannon and
//   counted nowhere: we count it as `lost`, and drop the stale queue entry so the resent request is
//   not timed from the old start;
// - connection errors reconnect with no backoff (a hot loop burning a core): we back off up to 100 ms;
// - its rate limit is a burst at the start of each second: with a `rate`, requests follow our own
//   schedule instead and latency runs from when a request was due (wrk2's intended-send timing).
// - autocannon's own statistics are never read, so each client does without them (see trimAutocannon):
//   its per-response listeners are removed (no stats, and every event has a single listener, which Node
//   calls without copying the listener array), response bodies are not accumulated into strings, and a
//   single request is not re-cloned through its context for every send.
// The client internals touched here (`_connect`, `_doRequest`, `pipelinedRequests`, `requestIterator`)
// are those of autocannon 9.0.0, which package.json pins exactly.

import {performance} from 'node:perf_hooks'
import type {EventEmitter} from 'node:events'
import {deriveSeed, seededRandom, type Random} from '../model/random.js'
import {encodeHistogram, newLatencyHistogram, type Histogram} from '../metrics/histogram.js'
import type {PhaseSpec, RequestSpec} from '../model/scenario.js'
import type {FromGenerator, GeneratorConfig, Sample, Timing, ToGenerator} from '../model/generator-messages.js'
import {expandKeys} from './request-keys.js'

/** The parts of an autocannon 9 client (lib/httpClient.js) this file uses. */
interface AcClient extends EventEmitter {
  timeout: number
  destroyed: boolean
  pipelinedRequests: {size(): number; clear(): void; addBody(data: unknown): void}
  parser: {type: string; reinitialize(type: string): void}
  requestIterator: AcRequestIterator
  timeoutTicker: {reschedule(ms: number): void}
  // Properties, not methods: their values are kept apart from the client and called on it later.
  _connect: (this: AcClient) => void
  _doRequest: (this: AcClient) => void
  destroy(): void
  // Ours:
  lbBackend: string | undefined
  /** The backend this client's last attributed response came from, and its counts (found once, not per response). */
  lbCountsId: string | undefined
  lbCounts: BackendCounts | undefined
  /** The last response said `Connection: close`: a request written after it was never delivered. */
  lbClose: boolean
  /** The connection failed with an error already counted for its request. */
  lbErrored: boolean
  lbConnectFailures: number
  lbBackoff: NodeJS.Timeout | undefined
  /** Waiting out a backoff: nothing may be written. */
  lbDown: boolean
  // Intended-send timing (a phase with a rate):
  lbPaced: boolean
  lbNext: number
  lbInterval: number
  lbIntended: number
  lbTimer: NodeJS.Timeout | undefined
}

interface AcRequestIterator {
  requests: unknown[]
  currentRequest: unknown
  currentRequestIndex: number
  resetted: boolean
  nextRequest(): unknown
}

interface AcInstance {
  stop(): void
}

type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null) => void) => AcInstance

const connectErrorCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'])
const maxBackoffMs = 100

function send(message: FromGenerator, then?: () => void): void {
  if (!process.connected || !process.send) {
    then?.()
    return
  }
  if (then) process.send(message, undefined, undefined, () => then())
  else process.send(message)
}

// ---------------------------------------------------------------------------------------------------
// The counts of the current second. One object, reset in place after each sample, so the per-response
// handlers below only bump numbers and record into histograms.

interface BackendCounts {
  completed: number
  non2xx: number
  histogram: Histogram
}

class SecondCounts {
  sent = 0
  completed = 0
  bytes = 0
  lost = 0
  cutOff = 0
  connect = 0
  reset = 0
  timeout = 0
  /** Indexed by status code; codes outside 0..999 are not real HTTP and are folded into 999. */
  readonly status = new Float64Array(1000)
  /**
   * Every response is recorded once: into its backend's histogram, or this one when no backend header
   * came with it. The overall histogram is their sum, added up once a second in toSample() (exact).
   */
  readonly unattributed = newLatencyHistogram()
  readonly histogram = newLatencyHistogram()
  readonly uncorrected = newLatencyHistogram()
  readonly backends = new Map<string, BackendCounts>()

  toSample(second: number, phase: string, measure: boolean, paced: boolean): Sample {
    const status: Record<string, number> = {}
    for (let code = 0; code < 1000; code++) if (this.status[code] > 0) status[code] = this.status[code]
    const perBackend: Sample['perBackend'] = {}
    const all = this.histogram
    all.reset()
    if (this.unattributed.totalCount > 0) all.add(this.unattributed)
    for (const [id, b] of this.backends) {
      if (b.completed === 0) continue
      perBackend[id] = {completed: b.completed, non2xx: b.non2xx, histogram: encodeHistogram(b.histogram)}
      all.add(b.histogram)
    }
    const sample: Sample = {
      second,
      phase,
      measure,
      sent: this.sent,
      completed: this.completed,
      bytes: this.bytes,
      status,
      errors: {connect: this.connect, reset: this.reset, timeout: this.timeout},
      lost: this.lost,
      cutOff: this.cutOff,
      perBackend,
      histogram: encodeHistogram(this.histogram),
    }
    if (paced) sample.uncorrectedHistogram = encodeHistogram(this.uncorrected)
    return sample
  }

  clear(): void {
    this.sent = this.completed = this.bytes = this.lost = this.cutOff = 0
    this.connect = this.reset = this.timeout = 0
    this.status.fill(0)
    this.histogram.reset()
    this.unattributed.reset()
    this.uncorrected.reset()
    for (const b of this.backends.values()) {
      b.completed = b.non2xx = 0
      b.histogram.reset()
    }
  }
}

const counts = new SecondCounts()

// ---------------------------------------------------------------------------------------------------
// Per-client handlers. Shared functions (listeners are called with the client as `this`), so a client
// costs no closures; the only per-response allocation is inside the HDR record when a bucket is new.

/** `raw` is the header name `lower` (lower case) in any spelling; the usual spellings cost one compare. */
function isHeader(raw: string, lower: string, usual: string): boolean {
  return raw === lower || raw === usual || raw.toLowerCase() === lower
}

function onHeaders(this: AcClient, info: {headers: string[]}): void {
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

function onResponse(this: AcClient, status: number, bytes: number, ms: number): void {
  this.lbConnectFailures = 0
  let us: number
  if (this.lbPaced) {
    us = Math.round((performance.now() - this.lbIntended) * 1000)
    const actual = Math.round(ms * 1000)
    counts.uncorrected.recordValue(actual < 1 ? 1 : actual)
  } else {
    us = Math.round(ms * 1000)
  }
  if (us < 1) us = 1
  counts.completed++
  counts.bytes += bytes
  counts.status[status >= 0 && status < 1000 ? status : 999]++
  const id = this.lbBackend
  if (id === undefined) {
    counts.unattributed.recordValue(us)
  } else {
    // A connection keeps to one backend (or alternates among a few): compare with the last one before
    // hashing the id into the map. The counts objects live for the whole run (clear() resets them in place).
    let b = this.lbCounts
    if (id !== this.lbCountsId || b === undefined) {
      b = counts.backends.get(id)
      if (!b) {
        b = {completed: 0, non2xx: 0, histogram: newLatencyHistogram()}
        counts.backends.set(id, b)
      }
      this.lbCounts = b
      this.lbCountsId = id
    }
    b.completed++
    if (status < 200 || status >= 300) b.non2xx++
    b.histogram.recordValue(us)
    this.lbBackend = undefined
  }
}

function onRequest(): void {
  counts.sent++
}

function noop(): void {}

/** RequestIterator#nextRequest for a single request: the same prebuilt buffer every time. */
function sameRequest(this: AcRequestIterator): unknown {
  return this.currentRequest
}

function onConnError(this: AcClient, err: NodeJS.ErrnoException): void {
  const connectError = connectErrorCodes.has(err.code ?? '')
  if (connectError) this.lbConnectFailures++
  // autocannon emits this before it reconnects, so the queue still holds the failed request. An idle
  // keep-alive connection that fails affects no request and is not a request error.
  if (this.pipelinedRequests.size() === 0) return
  this.lbErrored = true
  if (connectError) counts.connect++
  else counts.reset++
}

function onTimeout(): void {
  counts.timeout++
}

// autocannon's own methods, wrapped per client below.
let acConnect: () => void
let acDoRequest: () => void

/** Replaces Client#_connect: account for what the old connection took with it, then reconnect. */
function lbConnect(this: AcClient): void {
  const q = this.pipelinedRequests
  const pending = q.size()
  if (pending > 0) {
    // The server closed without answering (FIN): autocannon will resend, and would time the resent
    // request from the old start. After `Connection: close` the request was never delivered at all.
    if (this.lbClose) counts.sent -= pending
    else if (!this.lbErrored) counts.lost += pending
    q.clear()
    // The shared parser may be mid-response; the new connection starts a fresh one.
    this.parser.reinitialize(this.parser.type)
  }
  this.lbErrored = false
  this.lbClose = false
  if (this.destroyed || this.lbBackoff !== undefined) return
  if (this.lbConnectFailures > 0) {
    this.lbDown = true
    this.lbBackoff = setTimeout(lbReconnect, Math.min(maxBackoffMs, 2 ** (this.lbConnectFailures - 1)), this)
    return
  }
  acConnect.call(this)
}

function lbReconnect(client: AcClient): void {
  client.lbBackoff = undefined
  client.lbDown = false
  if (!client.destroyed) acConnect.call(client)
}

/** Replaces Client#_doRequest in intended-send phases: send when the schedule says so. */
function lbPacedRequest(this: AcClient): void {
  if (this.destroyed || this.lbDown || this.lbTimer !== undefined) return
  const now = performance.now()
  const wait = this.lbNext - now
  if (wait >= 1) {
    this.lbTimer = setTimeout(lbPacedFire, wait, this)
    // Idle by design: keep autocannon's per-request timeout from firing while we wait.
    this.timeoutTicker.reschedule(wait + this.timeout)
    return
  }
  // Behind schedule: the wait for the previous response is the server's doing and counts as latency
  // (coordinated omission corrected). Slightly ahead: timed from now.
  this.lbIntended = Math.min(this.lbNext, now)
  this.lbNext += this.lbInterval
  acDoRequest.call(this)
}

function lbPacedFire(client: AcClient): void {
  client.lbTimer = undefined
  if (client.destroyed || client.lbDown) return
  // A timer that fires late is our own jitter, not the server's: timed from the actual send.
  client.lbIntended = performance.now()
  client.lbNext += client.lbInterval
  acDoRequest.call(client)
}

// ---------------------------------------------------------------------------------------------------
// Phases and the load clock.

interface PhaseRun {
  index: number
  spec: PhaseSpec
  /** Offsets in whole ms from `startedAt` (integers, so second arithmetic is exact). */
  startOffset: number
  endOffset: number
  second: number
  paced: boolean
  timing: Timing
  clients: AcClient[]
  instance: AcInstance | undefined
  timer: NodeJS.Timeout | undefined
}

let autocannon: Autocannon
let config: GeneratorConfig
/** performance.now() when the first phase started, and Date.now() at the same moment. */
let startedAt = 0
let startedAtEpoch = 0
/** Offset of t = 0 (the first measured phase's start) from startedAt, in ms. */
let t0Offset = 0
let phaseOffsets: number[] = []
let current: PhaseRun | undefined
let finished = false

const epochAt = (offset: number): number => startedAtEpoch + offset
const secondAt = (offset: number): number => Math.floor((offset - t0Offset) / 1000)

function start(cfg: GeneratorConfig): void {
  config = cfg
  phaseOffsets = []
  let offset = 0
  for (const p of cfg.phases) {
    phaseOffsets.push(offset)
    offset += Math.round(p.duration)
  }
  const firstMeasured = cfg.phases.findIndex((p) => p.measure)
  t0Offset = firstMeasured < 0 ? 0 : phaseOffsets[firstMeasured]
  startedAt = performance.now()
  startedAtEpoch = Date.now()
  if (cfg.phases.length === 0) return finish()
  runPhase(0)
}

function runPhase(index: number): void {
  const spec = config.phases[index]
  const startOffset = phaseOffsets[index]
  const paced = spec.rate !== undefined && spec.rate > 0 && config.timing !== 'actual-send'
  const run: PhaseRun = {
    index,
    spec,
    startOffset,
    endOffset: startOffset + Math.round(spec.duration),
    second: secondAt(startOffset),
    paced,
    timing: paced ? 'intended-send' : 'actual-send',
    clients: [],
    instance: undefined,
    timer: undefined,
  }
  current = run
  send({type: 'phase-start', phase: spec.name, measure: spec.measure, epochMs: epochAt(startOffset), timing: run.timing})
  run.instance = startAutocannon(run)
  scheduleClock(run)
}

/** The next second boundary or the phase's end, whichever comes first. */
function scheduleClock(run: PhaseRun): void {
  const boundary = t0Offset + (run.second + 1) * 1000
  const at = Math.min(boundary, run.endOffset)
  run.timer = setTimeout(onClock, Math.max(0, startedAt + at - performance.now()), run)
}

function onClock(run: PhaseRun): void {
  if (run !== current) return
  const boundary = t0Offset + (run.second + 1) * 1000
  if (run.endOffset <= boundary) {
    endPhase(run, run.endOffset)
    if (run.index + 1 < config.phases.length) runPhase(run.index + 1)
    else finish()
    return
  }
  flush(run)
  run.second++
  scheduleClock(run)
}

function flush(run: PhaseRun): void {
  send({type: 'sample', sample: counts.toSample(run.second, run.spec.name, run.spec.measure, run.paced)})
  counts.clear()
}

/** Stops the phase's clients at once (in-flight requests are cut off, not failed) and sends its last sample. */
function endPhase(run: PhaseRun, endOffset: number): void {
  if (run.timer) clearTimeout(run.timer)
  for (const c of run.clients) {
    counts.cutOff += c.pipelinedRequests.size()
    if (c.lbTimer) clearTimeout(c.lbTimer)
    if (c.lbBackoff) clearTimeout(c.lbBackoff)
    c.lbTimer = c.lbBackoff = undefined
    c.destroy()
  }
  run.instance?.stop()
  flush(run)
  send({type: 'phase-end', phase: run.spec.name, epochMs: epochAt(endOffset)})
  current = undefined
}

function finish(): void {
  if (finished) return
  finished = true
  send({type: 'done'}, () => process.exit(0))
}

function stop(): void {
  const run = current
  if (run) endPhase(run, Math.round(performance.now() - startedAt))
  finish()
}

function startAutocannon(run: PhaseRun): AcInstance {
  const {spec} = run
  const rate = spec.rate ?? 0
  // As autocannon does: fewer requests per second than connections means fewer connections.
  const connections = rate > 0 ? Math.max(1, Math.min(spec.connections, Math.floor(rate))) : spec.connections
  // `{{n:1000}}` placeholders become 1000 requests (request-keys.ts).
  const specs = expandKeys(config.requests)
  const requests = specs.map(toAutocannonRequest)
  const pick = weightedPicker(specs)
  const timeoutMs = config.timeout
  let clientIndex = 0

  const setupClient = (client: AcClient): void => {
    const index = clientIndex++
    client.timeout = timeoutMs
    client.lbBackend = client.lbCountsId = client.lbCounts = undefined
    client.lbClose = client.lbErrored = client.lbDown = false
    client.lbConnectFailures = 0
    client.lbBackoff = client.lbTimer = undefined
    client.lbPaced = run.paced
    if (pick) {
      const random = seededRandom(deriveSeed(config.seed, `generator/${spec.name}/${index}`))
      weightRequests(client.requestIterator, pick, random)
    } else if (requests.length === 1) {
      // autocannon would deep-clone the (unused) request context before every send of a lone request.
      client.requestIterator.nextRequest = sameRequest
    }
    // Bodies are only read by autocannon's verifyBody/expectBody/onResponse, none of which lbbench uses.
    client.pipelinedRequests.addBody = noop
    client.on('request', onRequest)
    client.on('headers', onHeaders)
    client.on('response', onResponse)
    client.on('connError', onConnError)
    client.on('timeout', onTimeout)
    if (!acConnect) {
      const proto = Object.getPrototypeOf(client) as AcClient
      acConnect = proto._connect
      acDoRequest = proto._doRequest
    }
    client._connect = lbConnect
    if (run.paced) {
      // Spread the clients over one interval so the schedule is smooth, not a burst per connection.
      client.lbInterval = (connections * 1000) / rate
      client.lbNext = startedAt + run.startOffset + (index * 1000) / rate
      client.lbIntended = client.lbNext
      client._doRequest = lbPacedRequest
    }
    run.clients.push(client)
  }

  const opts: Record<string, unknown> = {
    url: config.targets,
    connections,
    // The phase is ended by our own clock; autocannon's timer only has to stay out of the way.
    duration: Math.ceil(spec.duration / 1000) + 3600,
    // autocannon refuses a timeout under 1 s; setupClient sets the exact one on each client.
    timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
    requests,
    setupClient,
  }
  // Its coordinated-omission "correction" uses a 1 ms interval whatever the rate (§1.5 item 1), and it
  // refuses the option without a rate. Paced phases pass no rate to autocannon at all.
  if (rate > 0 && !run.paced) Object.assign(opts, {overallRate: rate, ignoreCoordinatedOmission: true})
  const instance = autocannon(opts, (err) => {
    if (err) fail(`autocannon: ${err.message}`)
  })
  for (const c of run.clients) trimAutocannon(c)
  return instance
}

/**
 * autocannon (lib/run.js) adds its own listeners right after constructing each client, synchronously
 * inside autocannon(): per-response statistics (counts, its own histogram, a tracker event) that lbbench
 * never reads. Removing them leaves ours as the only listener of each per-request event.
 */
function trimAutocannon(client: AcClient): void {
  for (const [event, ours] of [['request', onRequest], ['response', onResponse], ['reset', undefined]] as const) {
    client.removeAllListeners(event)
    if (ours) client.on(event, ours)
  }
}

function toAutocannonRequest(r: RequestSpec): Record<string, unknown> {
  const req: Record<string, unknown> = {method: r.method, path: r.path, headers: {...r.headers}}
  if (r.body !== undefined) req.body = r.body
  return req
}

/** A function from a uniform [0,1) number to a request index by weight, or undefined for one request. */
function weightedPicker(requests: RequestSpec[]): ((u: number) => number) | undefined {
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

/**
 * autocannon plays `requests` as a sequence; we want an independent weighted choice per request. Every
 * request's buffer is already built (none has setupRequest), so choosing is just an index.
 */
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

// ---------------------------------------------------------------------------------------------------
// Its own CPU use, so a saturated generator can be told apart from a slow system.

function startUsageReports(): void {
  let cpu = process.cpuUsage()
  let wall = performance.now()
  let elu = performance.eventLoopUtilization()
  setInterval(() => {
    const cpuDelta = process.cpuUsage(cpu)
    const now = performance.now()
    const eluDelta = performance.eventLoopUtilization(elu)
    const cpuPct = ((cpuDelta.user + cpuDelta.system) / 1000 / Math.max(1, now - wall)) * 100
    send({type: 'usage', cpuPct: Math.round(cpuPct * 10) / 10, elu: Math.round(eluDelta.utilization * 1000) / 1000})
    cpu = process.cpuUsage()
    wall = now
    elu = performance.eventLoopUtilization()
  }, 1000).unref()
}

function fail(message: string): void {
  send({type: 'error', message}, () => process.exit(1))
}

async function main(): Promise<void> {
  // The parent gone (even SIGKILLed) closes the IPC channel: nothing left to report to.
  process.on('disconnect', () => process.exit(0))
  process.on('uncaughtException', (e) => fail(`load generator: ${e instanceof Error ? e.message : String(e)}`))
  const loading = import('autocannon').then((m) => {
    autocannon = (m.default ?? m) as unknown as Autocannon
  })
  process.on('message', (m: ToGenerator) => {
    if (m.type === 'start') {
      loading.then(() => {
        if (finished || current) return
        startUsageReports()
        start(m.config)
      }, (e: Error) => fail(`cannot load autocannon: ${e.message}`))
    } else if (m.type === 'stop') {
      loading.then(stop, stop)
    }
  })
  await loading
  send({type: 'ready'})
}

if (!process.send) {
  console.error('the load generator runs as a child process of lbbench')
  process.exit(2)
}
void main()
