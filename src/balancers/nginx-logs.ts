// What nginx's logs say about a run (pure: lines in, counts and state changes out). The access log is
// read through its format: the http one here, or the stream module's sessions (mode tcp,
// nginx-stream-config.ts), where an attempt is a connect and the counts are connections and bytes.
//
// Access log (format nginxLogFormat): per request the lists $upstream_addr, $upstream_status and
// $upstream_header_time hold one entry per attempt ("a, b" = one retry; " : " separates internal
// redirects). An attempt failed when nginx moved on to another peer after it, or when no response header
// came back ($upstream_header_time "-": connect error, reset, timeout). If no peer could be chosen,
// $upstream_addr is the upstream's name and the status is 502: a "no backend" answer.
//
// nginx OSS does not publish peer state. We derive it: `down` from the error log's "upstream server
// temporarily disabled" line (warn level, one-second timestamps, so the time is refined to the last failed
// attempt on that address within that second, from the access log's millisecond $msec); `up` from the
// first attempt on that address that got a response after it was down (nginx probes a disabled peer
// with one live request per fail_timeout, so that is when nginx took it back).
//
// Attempt buckets (100 ms, as the built-in proxy keeps them): a line is written when the request ended
// ($msec); it started $request_time before, and attempt i started after the $upstream_response_time of
// the attempts before it. So each attempt lands in the bucket of its start, to within a millisecond.
import type {AttemptBucket, BackendStateChange, BalancerStats} from './balancer.js'

const bucketMs = 100

interface PendingDown {
  addr: string
  secondMs: number
  reason: string
  polls: number
}

// The stream module names the upstream without a scheme: upstream: "127.0.0.1:9001".
const disabledLine = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[\w+\] .*upstream server temporarily disabled.*upstream: "(?:\w+:\/\/)?([^/"]+)/

/** epoch ms of an error-log timestamp (nginx writes local time, as this process reads it). */
function localSecond(m: RegExpExecArray): number {
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])).getTime()
}

/** A log time in seconds ("0.002", or "-" when there was none) → ms. */
export const seconds = (text: string | undefined): number => {
  const n = Number(text)
  return Number.isFinite(n) ? Math.round(n * 1000) : 0
}

/** One attempt of a logged line: when it started, and when its outcome was known (epoch ms). */
export interface LoggedAttempt {
  addr: string
  failed: boolean
  startMs: number
  atMs: number
}

/** One access-log line: a request (http) or a session (stream), its attempts in order, and the bytes of a session. */
export interface LoggedLine {
  noBackend: boolean
  attempts: LoggedAttempt[]
  bytes?: {toBackend: number; fromBackend: number}
}

/** How one access log's lines read: what a line is (a request or a connection) and its parser. */
export interface AccessLogFormat {
  unit: 'request' | 'connection'
  parse(line: string): LoggedLine | undefined
}

function addTo(into: {toBackend: Map<string, number>; fromBackend: Map<string, number>}, id: string, bytes: {toBackend: number; fromBackend: number}): void {
  into.toBackend.set(id, (into.toBackend.get(id) ?? 0) + bytes.toBackend)
  into.fromBackend.set(id, (into.fromBackend.get(id) ?? 0) + bytes.fromBackend)
}

/** The http access log (nginxLogFormat): an attempt failed when nginx moved on after it or no response header came. */
export const httpAccessLog: AccessLogFormat = {
  unit: 'request',
  parse(line) {
    const [msecText, status, addrs, statuses, headerTimes, responseTimes, requestTime] = line.split('|')
    if (headerTimes === undefined) return undefined
    const msec = Math.round(Number(msecText) * 1000)
    const addrList = addrs.split(/, | : /)
    // No live upstreams: the upstream's name instead of an address.
    if (addrList.length === 1 && !addrList[0].includes(':')) return {noBackend: status === '502', attempts: []}
    const statusList = statuses.split(/, | : /)
    const headerList = headerTimes.split(/, | : /)
    const responseList = (responseTimes ?? '').split(/, | : /).map(seconds)
    let startMs = msec - seconds(requestTime)
    const attempts = addrList.map((addr, i) => {
      const failed = i < addrList.length - 1 || headerList[i] === '-' || statusList[i] === '-'
      const attempt = {addr, failed, startMs, atMs: msec}
      startMs += responseList[i] ?? 0
      return attempt
    })
    return {noBackend: false, attempts}
  },
}

export class NginxLogAnalysis {
  private readonly attempts = new Map<string, number>()
  private readonly failed = new Map<string, number>()
  private readonly responders = new Map<string, number>()
  private retries = 0
  private noBackend = 0
  private requestsSeen = 0
  private readonly down = new Set<string>()
  private readonly pending: PendingDown[] = []
  /** addr → msec of its failed attempts in the last poll(s), for refining `down` times. */
  private readonly recentFailures = new Map<string, number[]>()
  private readonly buckets = new Map<number, AttemptBucket>()

  private readonly bytes = {toBackend: new Map<string, number>(), fromBackend: new Map<string, number>()}

  /** `ids` maps host:port to replica id; updated when a replica moves. `format`: the access log's lines (http, or stream for mode tcp). */
  constructor(
    private readonly ids: Map<string, string>,
    private readonly format: AccessLogFormat = httpAccessLog,
  ) {}

  setAddress(addr: string, id: string): void {
    for (const [a, i] of this.ids) if (i === id) this.ids.delete(a)
    this.ids.set(addr, id)
  }

  private idOf(addr: string): string {
    return this.ids.get(addr) ?? addr
  }

  /** Feeds new lines of both logs (error lines first); returns the state changes they show. */
  feed(errorLines: string[], accessLines: string[]): BackendStateChange[] {
    const changes: BackendStateChange[] = []
    for (const line of errorLines) {
      const m = disabledLine.exec(line)
      if (m) this.pending.push({addr: m[7], secondMs: localSecond(m), reason: 'upstream server temporarily disabled (max_fails reached)', polls: 0})
    }
    for (const line of accessLines) this.access(line, changes)
    this.resolvePending(changes)
    return changes.sort((a, b) => a.epochMs - b.epochMs)
  }

  private access(line: string, changes: BackendStateChange[]): void {
    const logged = this.format.parse(line)
    if (!logged) return
    this.requestsSeen++
    if (logged.noBackend) this.noBackend++
    if (logged.attempts.length === 0) return
    logged.attempts.forEach((attempt, i) => {
      const id = this.idOf(attempt.addr)
      this.attempts.set(id, (this.attempts.get(id) ?? 0) + 1)
      const last = i === logged.attempts.length - 1
      if (attempt.failed) {
        this.failed.set(id, (this.failed.get(id) ?? 0) + 1)
        const list = this.recentFailures.get(attempt.addr) ?? []
        list.push(attempt.atMs)
        this.recentFailures.set(attempt.addr, list)
      } else {
        if (this.down.delete(attempt.addr)) changes.push({id, state: 'up', reason: `a ${this.format.unit} to it succeeded after fail_timeout`, epochMs: attempt.atMs})
      }
      if (last) {
        this.responders.set(id, (this.responders.get(id) ?? 0) + 1)
        if (logged.bytes) addTo(this.bytes, id, logged.bytes)
      }
      this.countInBucket(id, attempt.startMs, attempt.failed)
    })
    this.retries += logged.attempts.length - 1
  }

  private countInBucket(id: string, epochMs: number, failed: boolean): void {
    const start = Math.floor(epochMs / bucketMs) * bucketMs
    let b = this.buckets.get(start)
    if (!b) this.buckets.set(start, (b = {epochMs: start, attempts: {}, failed: {}}))
    b.attempts[id] = (b.attempts[id] ?? 0) + 1
    if (failed) b.failed[id] = (b.failed[id] ?? 0) + 1
  }

  private resolvePending(changes: BackendStateChange[]): void {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]
      const inSecond = (this.recentFailures.get(p.addr) ?? []).filter((t) => t >= p.secondMs && t < p.secondMs + 1000)
      p.polls++
      // The request whose attempt failed is logged once nginx's retry finished: give it one more poll.
      if (inSecond.length === 0 && p.polls < 2) continue
      this.pending.splice(i--, 1)
      if (this.down.has(p.addr)) continue
      this.down.add(p.addr)
      changes.push({id: this.idOf(p.addr), state: 'down', reason: p.reason, epochMs: inSecond.length ? Math.max(...inSecond) : p.secondMs + 500})
    }
    // Keep only recent failure times: pending lines refer to the last second or two.
    const horizon = Math.min(...this.pending.map((p) => p.secondMs), Date.now() - 5000)
    for (const [addr, list] of this.recentFailures) {
      const kept = list.filter((t) => t >= horizon)
      if (kept.length) this.recentFailures.set(addr, kept)
      else this.recentFailures.delete(addr)
    }
  }

  stats(): BalancerStats {
    // The stream module logs sessions: the last attempt of each is a connection the backend served.
    const served =
      this.format.unit === 'request'
        ? {requests: Object.fromEntries(this.responders)}
        : {connections: Object.fromEntries(this.responders), bytesToBackend: Object.fromEntries(this.bytes.toBackend), bytesFromBackend: Object.fromEntries(this.bytes.fromBackend)}
    return {
      attempts: Object.fromEntries(this.attempts),
      retries: this.retries,
      failedAttempts: Object.fromEntries(this.failed),
      noBackend: this.noBackend,
      ...served,
      attemptBuckets: [...this.buckets.values()].sort((a, b) => a.epochMs - b.epochMs),
    }
  }

  get requests(): number {
    return this.requestsSeen
  }
}
