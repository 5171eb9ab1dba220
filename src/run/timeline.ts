// Events of a run, kept on the wall clock while it runs (t = 0 is not known until the first measured
// phase starts) and put on the load clock when the report is built.

import type {TimelineEvent} from '../model/report.js'

interface Recorded {
  epochMs: number
  kind: string
  target?: string
  detail: string
}

export class Timeline {
  private readonly events: Recorded[] = []
  /** Wall-clock time of t = 0, once the first measured phase has started. */
  t0?: number

  add(kind: string, detail: string, target?: string, epochMs = Date.now()): void {
    this.events.push({epochMs, kind, target, detail})
  }

  /** Milliseconds on the load clock for a wall-clock time (before t = 0: negative). */
  at(epochMs: number): number {
    return epochMs - (this.t0 ?? epochMs)
  }

  now(): number {
    return this.at(Date.now())
  }

  list(): TimelineEvent[] {
    return this.events
      .map((e) => ({atMs: this.at(e.epochMs), kind: e.kind, ...(e.target ? {target: e.target} : {}), detail: e.detail}))
      .sort((a, b) => a.atMs - b.atMs)
  }
}
