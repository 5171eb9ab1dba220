// Waits out the built-in app's latency precisely, without keeping a core busy.
//
// A Node timer is scheduled on the event loop's cached clock in whole milliseconds and fires after a
// whole-millisecond epoll timeout, so `setTimeout(answer, 20)` answers anywhere in about 19–21 ms of the
// request (measured: p50 +0.2–0.4 ms, min 19.1 ms for a 20 ms replica). Polling the clock with
// setImmediate is precise but keeps the process runnable; on a 2-core machine that steals the CPU the
// load generator needs, and the latency clients see got worse, not better (measured).
//
// Instead, one helper thread sleeps (Atomics.wait, µs resolution, no CPU) until shortly before the earliest
// deadline and then wakes the event loop with a message; the loop answers every request that is due. The
// wake-up itself takes time (tens of µs idle, a few hundred on a loaded machine), so the thread wakes the
// loop that much early (`lead`, learnt from the wake-ups seen, at most 0.5 ms) and the loop polls the
// clock with setImmediate for that short rest only. A request is never answered early.

import {performance} from 'node:perf_hooks'
import {Worker} from 'node:worker_threads'

export interface PreciseDelay {
  /** Calls `fn` on the event loop once `ms` have passed from now, never before. */
  after(ms: number, fn: () => void): void
}

interface Entry {
  at: number
  fn: () => void
}

// The sleeper thread. `target` holds the earliest deadline (ms on process.hrtime's clock, 0 = none);
// the main thread bumps `generation` and notifies after every change. It posts once per generation
// whose target has passed, then sleeps until the next change.
const sleeperSource = `
const {parentPort, workerData} = require('node:worker_threads')
const generation = new Int32Array(workerData, 0, 1)
const target = new Float64Array(workerData, 8, 1)
const now = () => Number(process.hrtime.bigint()) / 1e6
let postedGen = -1
for (;;) {
  const gen = Atomics.load(generation, 0)
  const at = target[0]
  if (at === 0 || gen === postedGen) {
    Atomics.wait(generation, 0, gen)
    continue
  }
  const wait = at - now()
  if (wait > 0) {
    Atomics.wait(generation, 0, gen, wait)
    continue
  }
  postedGen = gen
  parentPort.postMessage(0)
}
`

/**
 * The sleeper's clock is process.hrtime's and the loop's performance.now()'s: a wake-up for `wakeAt` can
 * arrive this much before it by rounding, and the loop then polls rather than sleeping again. Whether a
 * request is due is decided on the loop's clock alone, with no tolerance: never early.
 */
const toleranceMs = 0.002
const maxLeadMs = 0.5

export function createPreciseDelay(): PreciseDelay {
  return new SleeperDelay()
}

/** The sleeper thread and what the two threads share: its wake-up generation and target, and the offset
 * between process.hrtime's clock (the thread's) and performance.now()'s (the loop's). */
interface Sleeper {
  generation: Int32Array
  target: Float64Array
  hrOffset: number
  worker: Worker
}

class SleeperDelay implements PreciseDelay {
  /** Waiting requests, earliest first (a binary min-heap on `at`, performance.now() ms). */
  private readonly heap: Entry[] = []
  private shared: Sleeper | undefined
  private unavailable = false
  /** The deadline the sleeper was last given (0 = none), and when it was told to wake for it. */
  private armedAt = 0
  private wakeAt = 0
  /** How long a wake-up takes to reach the event loop (ms, a moving average), and how early to wake. */
  private wakeLatency = 0.1
  private lead = 0.1
  /** Polling the last stretch before a deadline. */
  private polling = false

  after(ms: number, fn: () => void): void {
    const s = this.sleeper()
    if (!s) {
      setTimeout(fn, ms)
      return
    }
    const at = performance.now() + ms
    heapPush(this.heap, {at, fn})
    // Later than what the sleeper waits for already (the usual case): it will get there. While the
    // loop polls, it arms the sleeper when it stops.
    if (!this.polling && (this.armedAt === 0 || at < this.armedAt)) this.arm(s, at)
  }

  /** Started on first use: an app without latency never pays for the thread. */
  private sleeper(): Sleeper | undefined {
    if (this.shared || this.unavailable) return this.shared
    try {
      const buffer = new SharedArrayBuffer(16)
      const worker = new Worker(sleeperSource, {eval: true, workerData: buffer})
      worker.on('message', this.onWake)
      worker.on('error', this.fallBack)
      worker.on('exit', this.fallBack)
      // Like a timer, the thread keeps the process alive only while a request waits (see arm()); the
      // listeners come first because adding a 'message' one refs it again.
      worker.unref()
      // performance.now() read first: any error in the offset makes a deadline later, never earlier.
      const perfNow = performance.now()
      const hrOffset = Number(process.hrtime.bigint()) / 1e6 - perfNow
      this.shared = {generation: new Int32Array(buffer, 0, 1), target: new Float64Array(buffer, 8, 1), hrOffset, worker}
    } catch {
      this.unavailable = true
    }
    return this.shared
  }

  /** Without the thread, timers (ms precision) take over for whatever is waiting. */
  private readonly fallBack = (): void => {
    if (this.unavailable) return
    this.unavailable = true
    this.shared = undefined
    this.armedAt = 0
    while (this.heap.length > 0) {
      const e = heapPop(this.heap)
      setTimeout(e.fn, Math.max(0, e.at - performance.now()))
    }
  }

  private arm(s: Sleeper, at: number): void {
    if ((at === 0) !== (this.armedAt === 0)) {
      if (at === 0) s.worker.unref()
      else s.worker.ref()
    }
    this.armedAt = at
    this.wakeAt = at === 0 ? 0 : at - this.lead
    s.target[0] = at === 0 ? 0 : this.wakeAt + s.hrOffset
    Atomics.add(s.generation, 0, 1)
    Atomics.notify(s.generation, 0)
  }

  /** Answers what is due; returns the clock. */
  private runDue(): number {
    let now = performance.now()
    while (this.heap.length > 0 && this.heap[0].at <= now) {
      heapPop(this.heap).fn()
      now = performance.now()
    }
    return now
  }

  /** What comes next: poll the last stretch, or sleep until shortly before the next deadline. */
  private next(now: number): void {
    const s = this.shared
    if (!s) return
    if (this.heap.length > 0 && this.heap[0].at - now <= this.lead + toleranceMs) {
      this.polling = true
      setImmediate(this.poll)
    } else if (this.heap.length > 0) {
      // Always a new generation: the sleeper posted for the last one and waits for the next.
      this.arm(s, this.heap[0].at)
    } else if (this.armedAt !== 0) {
      this.arm(s, 0)
    }
  }

  private readonly poll = (): void => {
    this.polling = false
    this.next(this.runDue())
  }

  /** The sleeper's message: the wake-up for `wakeAt` has reached the event loop. */
  private readonly onWake = (): void => {
    if (this.polling) return
    const arrived = performance.now()
    if (this.wakeAt !== 0 && arrived >= this.wakeAt) {
      this.wakeLatency += 0.1 * (arrived - this.wakeAt - this.wakeLatency)
      this.lead = Math.min(maxLeadMs, this.wakeLatency)
    }
    this.next(this.runDue())
  }
}

function heapPush(heap: Entry[], e: Entry): void {
  let i = heap.push(e) - 1
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (heap[parent].at <= e.at) break
    heap[i] = heap[parent]
    i = parent
  }
  heap[i] = e
}

function heapPop(heap: Entry[]): Entry {
  const top = heap[0]
  const last = heap.pop() as Entry
  if (heap.length > 0) {
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= heap.length) break
      const r = l + 1
      const c = r < heap.length && heap[r].at < heap[l].at ? r : l
      if (heap[c].at >= last.at) break
      heap[i] = heap[c]
      i = c
    }
    heap[i] = last
  }
  return top
}
