// Active health of the built-in proxy: HAProxy's `rise` / `fall`, copied from its check.c. Pure state;
// health-checker.ts runs the probes and feeds the results in.
//
// HAProxy keeps one counter per server, `health`, in 0 … rise + fall - 1; the server is UP while
// health >= rise.
// - a passed check: health += 1 (up to the top); reaching `rise` jumps to the top (rise + fall - 1);
// - a failed check: health -= 1; dropping below `rise` falls to 0 (DOWN).
// So an UP server at the top goes DOWN after `fall` consecutive failed checks (one passed check in between
// puts it back at the top), and a DOWN server comes UP after `rise` consecutive passed checks (one failure
// in between starts over). A server starts UP with health = rise ("up, but will fall down at first
// failure", as HAProxy's server.c says): until its first check has passed, one failed check takes it down.

export interface HealthTransition {
  state: 'up' | 'down'
  reason: string
}

export class ActiveHealth {
  private readonly health: number[]
  private readonly top: number
  /** Consecutive failed checks, for the reason text only. */
  private readonly failedRun: number[]

  constructor(
    count: number,
    private readonly rise: number,
    fall: number,
  ) {
    this.top = rise + fall - 1
    this.health = new Array<number>(count).fill(rise)
    this.failedRun = new Array<number>(count).fill(0)
  }

  isUp(i: number): boolean {
    return this.health[i] >= this.rise
  }

  /** The result of one check of backend `i`; `cause` says why it failed (`timeout`, `status 500`, …). */
  record(i: number, ok: boolean, cause?: string): HealthTransition | undefined {
    const wasUp = this.isUp(i)
    if (ok) {
      this.failedRun[i] = 0
      if (this.health[i] < this.top) {
        this.health[i] += 1
        if (this.health[i] >= this.rise) this.health[i] = this.top
      }
    } else {
      this.failedRun[i] += 1
      if (this.health[i] > 0) {
        this.health[i] -= 1
        if (this.health[i] < this.rise) this.health[i] = 0
      }
    }
    const up = this.isUp(i)
    if (up === wasUp) return undefined
    if (up) return {state: 'up', reason: `active: ${this.rise} passed check${this.rise === 1 ? '' : 's'}`}
    const n = this.failedRun[i]
    return {state: 'down', reason: `active: ${n} failed check${n === 1 ? '' : 's'} (${cause ?? 'failed'})`}
  }

  /** A new server in HAProxy's sense (a restarted replica, ready again): up, falls at first failure. */
  reset(i: number, why: string): HealthTransition | undefined {
    const wasUp = this.isUp(i)
    this.health[i] = this.rise
    this.failedRun[i] = 0
    return wasUp ? undefined : {state: 'up', reason: `active: reset (${why})`}
  }
}
