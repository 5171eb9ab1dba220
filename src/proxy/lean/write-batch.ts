// The lean engine's writes to the backends, held (corked) while a busy event loop reads what is ready and
// let go together when that is done: in the check phase (setImmediate) right after the poll phase that
// read their requests, or as soon as `max` sockets are held, so that a turn with thousands of ready
// sockets does not hold the first writes for all of it.
// Why: at saturation a request written the moment it was read wakes its replica for that one request,
// and the replica, woken, preempts the proxy; held to the end of the turn, the requests of one turn reach
// the replicas together. Why only when busy: with the loop mostly idle a turn reads one request, there is
// nothing to gather, and holding its write cost p99 at 1,000 req/s, p50 and p99 at 4,000.
// docs/proxy-engines.md has the measurements ("Writes to the backends at the end of the turn", and "Busy
// from a third").

import {availableParallelism} from 'node:os'
import {performance, type EventLoopUtilization} from 'node:perf_hooks'
import type {Socket} from 'node:net'

/** At most this many sockets are held before their writes leave anyway. */
const maxHeld = 64
/**
 * Held writes go to at most this many backends (one per core): letting go of writes to many backends at
 * once wakes as many replicas at once, more than the cores can run, and the proxy waits behind them.
 */
const maxBackends = Math.max(2, availableParallelism())
/**
 * The event loop is busy when it ran for this share of the last window or more (its utilization). Holding
 * cost latency at 0.2, was neutral at 0.3 and gained from 0.4 up; at saturation the utilization moves
 * between 0.7 and 0.95, so a higher bar would let go of the holds in some of the windows.
 */
const busyShare = 0.35
const windowMs = 100

/** Whether the event loop was busy over the last window (node's eventLoopUtilization, sampled per window). */
export class LoopLoad {
  busy = false
  private last: EventLoopUtilization = performance.eventLoopUtilization()
  private readonly timer: NodeJS.Timeout

  constructor(everyMs = windowMs) {
    this.timer = setInterval(() => this.sample(), everyMs).unref()
  }

  /** Reads the utilization since the last sample (the timer calls it; tests too). */
  sample(): void {
    const now = performance.eventLoopUtilization()
    this.busy = performance.eventLoopUtilization(now, this.last).utilization >= busyShare
    this.last = now
  }

  stop(): void {
    clearInterval(this.timer)
  }
}

export class WriteBatch {
  private readonly held: Socket[] = []
  /** The backends (addresses) the held writes go to. */
  private readonly backends: string[] = []
  private scheduled = false
  private readonly endOfTurn = (): void => {
    this.scheduled = false
    this.release()
  }

  constructor(
    private readonly load: {readonly busy: boolean},
    private readonly max = maxHeld,
    private readonly maxTo = maxBackends,
  ) {}

  /** Writes `bytes` on `socket` (to the backend at `to`): at once, or (the loop being busy) with the other writes of this turn. */
  write(socket: Socket, to: string, bytes: Buffer): void {
    if (!this.load.busy) return void socket.write(bytes)
    if (!this.backends.includes(to)) {
      if (this.backends.length === this.maxTo) this.release()
      this.backends.push(to)
    }
    socket.cork()
    socket.write(bytes)
    if (this.held.push(socket) >= this.max) return this.release()
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(this.endOfTurn)
    }
  }

  /** Sockets holding writes (tests look). */
  get size(): number {
    return this.held.length
  }

  private release(): void {
    const held = this.held
    // uncork() once per cork(): a socket taken twice in one turn is held twice.
    for (let i = 0; i < held.length; i++) held[i].uncork()
    held.length = 0
    this.backends.length = 0
  }
}
