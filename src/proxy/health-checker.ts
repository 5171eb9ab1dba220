// The active health checks' I/O: an HTTP GET of `health.active.path` to every backend, every `interval`,
// each with its own timeout, on connections of its own. A check must never wait behind client traffic:
// a hung backend keeps the request path's pooled sockets busy, so checks use their own agent without
// keep-alive, a fresh connection each, like HAProxy's checks.
//
// Checks run at a fixed rate (every `interval` from the start, not `interval` after the previous check
// ended), so with timeout < interval a backend that stops answering is marked down within interval ×
// fall + timeout. A backend whose previous check is still running skips that tick: with timeout ≥
// interval a failed check holds the ticks it spans, and may hold the one due as it times out. A check
// passes on a 2xx or 3xx status, as HAProxy's `option httpchk` does.

import {Agent, request} from 'node:http'
import type {ActiveHealth as ActiveHealthSpec} from '../model/scenario.js'

export interface CheckTarget {
  host: string
  port: number
}

export type CheckResult = (index: number, ok: boolean, cause?: string) => void

export class HealthChecker {
  private readonly agent = new Agent({keepAlive: false})
  private readonly running: boolean[]
  private ticker: NodeJS.Timeout | undefined

  constructor(
    /** The proxy's live list: a restarted replica's new address is used from its next check on. */
    private readonly targets: readonly CheckTarget[],
    private readonly spec: ActiveHealthSpec,
    private readonly onResult: CheckResult,
  ) {
    this.running = new Array<boolean>(targets.length).fill(false)
  }

  start(): void {
    this.tick()
    this.ticker = setInterval(() => this.tick(), this.spec.interval)
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = undefined
    this.agent.destroy()
  }

  private tick(): void {
    for (let i = 0; i < this.targets.length; i++) if (!this.running[i]) this.check(i)
  }

  private check(i: number): void {
    this.running[i] = true
    const target = this.targets[i]
    let done = false
    const finish = (ok: boolean, cause?: string): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      this.running[i] = false
      // Results after stop() belong to no run any more.
      if (this.ticker) this.onResult(i, ok, cause)
    }
    const req = request({
      host: target.host,
      port: target.port,
      path: this.spec.path,
      method: 'GET',
      agent: this.agent,
      headers: {'user-agent': 'lbbench-health-check'},
    })
    const timer = setTimeout(() => {
      finish(false, 'timeout')
      req.destroy()
    }, this.spec.timeout)
    req.on('response', (res) => {
      const status = res.statusCode ?? 0
      res.resume()
      finish(status >= 200 && status < 400, `status ${status}`)
    })
    req.on('error', (err: NodeJS.ErrnoException) => finish(false, err.code === 'ECONNREFUSED' ? 'connect ECONNREFUSED' : (err.code ?? err.message)))
    req.end()
  }
}
