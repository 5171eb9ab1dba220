// How a run stops, apart from how it is wired. Every wait of a run is bounded (withTimeout), so no run
// outlives its phases by more than a bounded start-up and teardown, and every wait of the wiring also
// ends as soon as the run has to stop: on a signal (Ctrl-C, SIGTERM), when a part it needs dies, or
// when abortOnFail finds a threshold that can no longer hold. After a signal the process exits hard
// 4.5 s later (cli/interrupt.ts), so from then on every wait is shortened to leave the report time to be
// written before that.

import {RunError} from '../model/errors.js'

/** After Ctrl-C or SIGTERM every wait ends within this, so the report is written before the hard exit (4.5 s, cli/interrupt.ts). */
export const SIGNALLED_BUDGET_MS = 3_500

/** The run stopped on purpose (a signal, abortOnFail): what was measured is reported, marked aborted with this message. */
export class AbortedRun extends Error {}

export class RunStops {
  private signalledAt: number | undefined
  private readonly aborted: Promise<never>
  private readonly broken: Promise<never>
  private readonly failedEarly: Promise<never>
  private rejectBroken!: (e: RunError) => void
  private rejectEarly!: (e: AbortedRun) => void

  /** `signal`: the run's Ctrl-C and SIGTERM; `budgetMs`: what every wait is cut to once it is aborted. */
  constructor(signal: AbortSignal, private readonly budgetMs = SIGNALLED_BUDGET_MS) {
    this.aborted = new Promise<never>((_, reject) => {
      const onAbort = () => {
        this.signalledAt ??= Date.now()
        reject(new AbortedRun(String(signal.reason ?? 'interrupted')))
      }
      if (signal.aborted) onAbort()
      else signal.addEventListener('abort', onAbort, {once: true})
    })
    // A part that dies while the run needs it (the balancer, the generator) ends the run: exit 3.
    this.broken = new Promise<never>((_, reject) => (this.rejectBroken = reject))
    // abortOnFail: a threshold that can no longer hold stops the run like Ctrl-C does (report written,
    // marked aborted with the reason), but it is a failed threshold: the caller exits 1, not 130.
    this.failedEarly = new Promise<never>((_, reject) => (this.rejectEarly = reject))
    // Nobody may be racing them when they reject: that is no unhandled rejection.
    for (const p of [this.aborted, this.broken, this.failedEarly]) p.catch(() => {})
  }

  /** `p`, unless the run stops first: then AbortedRun (a signal, abortOnFail) or the RunError of the part that failed. */
  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.aborted, this.broken, this.failedEarly])
  }

  /** A part the run needs died: every wait raced from now on ends with `e`. */
  partFailed(e: RunError): void {
    this.rejectBroken(e)
  }

  /** abortOnFail decided the run has failed: every wait raced from now on ends with AbortedRun(reason). */
  failEarly(reason: string): void {
    this.rejectEarly(new AbortedRun(reason))
  }

  /**
   * What is left of a wait of `ms` once a signal arrived: what it leaves the report before the hard exit
   * (`ms` itself before any signal). For withTimeout's `shorten`, hence bound.
   */
  readonly untilHardExit = (ms: number): number =>
    this.signalledAt === undefined ? ms : Math.max(0, Math.min(ms, this.signalledAt + this.budgetMs - Date.now()))
}

/**
 * `p`, or RunError(message) after `ms`. With `shorten` (the run's untilHardExit), the wait is checked
 * again every 100 ms against it, so a signal that arrives meanwhile cuts it short.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string, shorten?: (ms: number) => number): Promise<T> {
  const until = Date.now() + ms
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    const check = () => {
      const left = until - Date.now()
      const allowed = shorten ? shorten(left) : left
      if (allowed <= 0) reject(new RunError(message))
      else timer = setTimeout(check, shorten ? Math.min(allowed, 100) : allowed)
    }
    check()
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}
