// Idle connections found by a sweep instead of a timer each: a connection going idle records the sweep
// count (an integer store), and each sweep closes those idle for longer than the idle time. A timer per
// connection restarted on every request cost a lookup in node's timer lists each time; the lean engine's
// backend pool and its client front both use this.
// With `perIdle` sweeps per idle time, one recorded between sweeps n−1 and n has been idle for longer than
// the idle time at sweep n + perIdle, and at most 1/perIdle of it more (plus however late a busy event
// loop ran the sweeps).

export class IdleSweep {
  /** Sweeps so far: what a connection records when it goes idle. */
  count = 0
  private readonly timer: NodeJS.Timeout

  constructor(
    idleMs: number,
    private readonly perIdle: number,
    sweep: () => void,
  ) {
    this.timer = setInterval(() => {
      this.count++
      sweep()
    }, idleMs / perIdle).unref()
  }

  /** Idle since the sweep count `since` for longer than the idle time. */
  expired(since: number): boolean {
    return this.count - since > this.perIdle
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
