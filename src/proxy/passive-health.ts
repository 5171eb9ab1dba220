// Passive health of the built-in proxy: nginx's `max_fails` / `fail_timeout`, copied from
// ngx_http_upstream_round_robin.c. Pure state, time passed in by the caller.
//
// Per backend nginx keeps `fails`, `checked` and `accessed`:
// - a failed attempt: fails += 1, accessed = checked = now. Failures less than fail_timeout apart keep
//   adding up even with successes between them (a success resets `fails` only when a pick came after the
//   last failure and more than fail_timeout after the one before: `accessed < checked`);
// - fails >= max_fails: the backend is skipped while now - checked <= fail_timeout;
// - once fail_timeout has passed, the next pick sets checked = now, which lets exactly ONE real request
//   through as a probe; its success resets fails (up again), its failure starts another fail_timeout.
// - max_fails 0 never marks a backend down; a group of one backend is never marked down either.
// - Not copied: nginx's clock is whole seconds; this one is milliseconds. And when every backend is down
//   nginx (since 1.11.5, which removed the old "mark all peers live" reset) answers at once without
//   trying any: so does the proxy (503), it does not revive them all.
//
// What counts as a failure is the caller's business: connect errors, resets and per-try timeouts always
// (also a reset or stall after the response began, which nginx would free as a success), and the statuses
// listed in `health.passive.statuses` whenever they come back (nginx counts a listed status only when it
// retries it; the proxy never retries on a status, so it counts them all).
//
// With balancer.sharedState (several proxy workers, like nginx's `zone`) each worker keeps this state and
// is told of the other workers' failures, probes and recoveries (the `shared…` methods below, relayed by
// the primary: shared-health.ts), so every worker counts the same failures and marks a backend down and up
// with the others.

import type {Ms, PassiveHealth as PassiveHealthSpec} from '../model/scenario.js'

export interface HealthTransition {
  state: 'up' | 'down'
  reason: string
}

export class PassiveHealth {
  private readonly fails: number[]
  private readonly checked: number[]
  private readonly accessed: number[]
  private readonly statuses: ReadonlySet<number>
  private readonly maxFails: number
  private readonly failTimeout: Ms
  /** nginx's `peers->single`: a lone backend is never taken out. */
  private readonly single: boolean

  constructor(count: number, spec: PassiveHealthSpec) {
    this.fails = new Array<number>(count).fill(0)
    // nginx zeroes these; with epoch-ms `now` the first pick of each backend then sets checked = now.
    this.checked = new Array<number>(count).fill(0)
    this.accessed = new Array<number>(count).fill(0)
    this.statuses = new Set(spec.statuses)
    this.maxFails = spec.maxFails
    this.failTimeout = spec.failTimeout
    this.single = count === 1
  }

  /** Whether a response with this status counts as a failure (`health.passive.statuses`). */
  countsStatus(status: number): boolean {
    return this.statuses.has(status)
  }

  /** Whether backend `i` may be chosen now (nginx's eligibility test in get_peer). */
  available(i: number, now: number): boolean {
    if (this.maxFails === 0 || this.single) return true
    return this.fails[i] < this.maxFails || now - this.checked[i] > this.failTimeout
  }

  /**
   * Backend `i` was chosen for an attempt: start of a probe window, as nginx does on every pick. True when
   * this pick opened a window on a backend with failures counted (a probe the other workers must hear of,
   * with shared state: a window on a backend without failures changes nothing anyone could see).
   */
  picked(i: number, now: number): boolean {
    if (now - this.checked[i] <= this.failTimeout) return false
    this.checked[i] = now
    return this.fails[i] > 0
  }

  /** Whether this state can mark a backend down at all (max_fails 0 and a lone backend never are). */
  get marksDown(): boolean {
    return this.maxFails > 0 && !this.single
  }

  /** Whether backend `i` has failures counted (a success may reset them). */
  hasFailures(i: number): boolean {
    return this.fails[i] > 0
  }

  /** Marked down (as reported): `maxFails` reached and no probe has succeeded since. */
  isDown(i: number): boolean {
    return this.maxFails > 0 && !this.single && this.fails[i] >= this.maxFails
  }

  /** An attempt on backend `i` failed; `cause` e.g. `connect ECONNREFUSED`, `timeout`, `status 503`. */
  failed(i: number, now: number, cause: string): HealthTransition | undefined {
    if (this.single) return undefined
    const wasDown = this.isDown(i)
    this.fails[i] += 1
    this.accessed[i] = now
    this.checked[i] = now
    if (wasDown || !this.isDown(i)) return undefined
    const n = this.fails[i]
    return {state: 'down', reason: `passive: ${n} failure${n === 1 ? '' : 's'} (${cause})`}
  }

  /** An attempt on backend `i` succeeded. */
  succeeded(i: number): HealthTransition | undefined {
    if (this.single || this.accessed[i] >= this.checked[i]) return undefined
    const wasDown = this.isDown(i)
    this.fails[i] = 0
    return wasDown ? {state: 'up', reason: 'passive: probe request succeeded'} : undefined
  }

  /**
   * Another worker's attempt on backend `i` failed at `at` (shared state): counted as if it were this
   * worker's. Times only move forward, since a relayed failure may be older than what this worker saw last.
   */
  sharedFailure(i: number, at: number, cause: string): HealthTransition | undefined {
    if (!this.marksDown) return undefined
    const wasDown = this.isDown(i)
    this.fails[i] += 1
    this.accessed[i] = Math.max(this.accessed[i], at)
    this.checked[i] = Math.max(this.checked[i], at)
    if (wasDown || !this.isDown(i)) return undefined
    const n = this.fails[i]
    return {state: 'down', reason: `passive: ${n} failure${n === 1 ? '' : 's'} (${cause})`}
  }

  /** Another worker let its probe through to backend `i` at `at` (shared state): this one waits for its result. */
  sharedProbe(i: number, at: number): void {
    this.checked[i] = Math.max(this.checked[i], at)
  }

  /**
   * Another worker's request to backend `i` succeeded at `at` and reset its failures (shared state). A
   * failure this worker recorded after `at` stands: that failure came after the success, so its count is
   * kept (the next success resets it) rather than lost.
   */
  sharedRecovery(i: number, at: number): HealthTransition | undefined {
    if (this.fails[i] === 0 || this.accessed[i] > at) return undefined
    const wasDown = this.isDown(i)
    this.fails[i] = 0
    return wasDown ? {state: 'up', reason: 'passive: probe request succeeded'} : undefined
  }

  /** The backend was replaced (a restarted replica on a new address): forget its failures. */
  reset(i: number, why: string): HealthTransition | undefined {
    const wasDown = this.isDown(i)
    this.fails[i] = 0
    this.checked[i] = 0
    this.accessed[i] = 0
    return wasDown ? {state: 'up', reason: `passive: reset (${why})`} : undefined
  }
}
