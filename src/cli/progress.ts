// The live progress line on stderr while a run goes: the phase, how far into it, live rps, the requests
// failed so far (as the report counts them), backends up. On a terminal it is one line redrawn in place;
// elsewhere (CI logs, files) a plain line at most every 5 s, so logs stay readable instead of filling with
// a line a second. Events (`t=3.0s kill r2`) always get a line of their own. Once the load has ended the
// line is final: it is left as the last word on the load, and what follows (stopping the parts, the
// report's paths) comes after it. It writes only to the stream it is given, never to stdout.

import {count} from '../report/format.js'

export interface ProgressState {
  phase: string
  /** Time into the phase, and the phase's duration. */
  elapsedMs: number
  totalMs: number
  rps: number
  /** Requests failed so far: in the measured phases, or in the unmeasured phase under way. */
  failed: number
  backendsUp: number
  backendsTotal: number
}

export interface Progress {
  update(state: ProgressState): void
  /** An event line, printed above the status line. */
  note(line: string): void
  /** Ends the status line, leaving its last state written; later updates are ignored, notes are plain lines. */
  done(): void
}

export interface ProgressOptions {
  isTTY: boolean
  /** Off a terminal: the least time between two status lines. */
  intervalMs?: number
  /** For tests. */
  now?: () => number
}

interface Writable {
  write(chunk: string): unknown
  columns?: number
}

const CLEAR_LINE = '\r\u001b[2K'
const BAR_WIDTH = 16

export function formatProgress(s: ProgressState, tty: boolean): string {
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`
  const ratio = s.totalMs > 0 ? Math.min(1, Math.max(0, s.elapsedMs / s.totalMs)) : 0
  const filled = Math.round(ratio * BAR_WIDTH)
  const bar = tty ? ` ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}` : ''
  const up = s.backendsTotal > 0 ? ` · backends ${s.backendsUp}/${s.backendsTotal} up` : ''
  return `${s.phase || 'starting'} ${secs(s.elapsedMs)}/${secs(s.totalMs)}${bar} · ${count(s.rps)} req/s · ${count(s.failed)} failed${up}`
}

export function createProgress(stream: Writable, opts: ProgressOptions): Progress {
  const interval = opts.intervalMs ?? 5000
  const now = opts.now ?? Date.now
  let last: ProgressState | undefined
  /** On a TTY: the status line is on screen (and must be cleared before anything else is written). */
  let shown = false
  /** Off a TTY: when the last status line went out, and whether the latest state was printed. */
  let lastPrintAt = -Infinity
  let latestPrinted = true
  let finished = false

  // A line longer than the terminal wraps, and \r then only returns to the start of the last part.
  const fit = (line: string) => {
    const cols = stream.columns ?? 0
    return cols > 1 && line.length >= cols ? line.slice(0, cols - 2) + '…' : line
  }

  const draw = () => {
    if (!last) return
    stream.write(`${CLEAR_LINE}${fit(formatProgress(last, true))}`)
    shown = true
  }

  return {
    update(state) {
      if (finished) return
      last = state
      if (opts.isTTY) return draw()
      const t = now()
      if (t - lastPrintAt >= interval) {
        stream.write(`${formatProgress(state, false)}\n`)
        lastPrintAt = t
        latestPrinted = true
      } else latestPrinted = false
    },
    note(line) {
      if (opts.isTTY && !finished) {
        stream.write(`${shown ? CLEAR_LINE : ''}${line}\n`)
        shown = false
        draw()
      } else stream.write(`${line}\n`)
    },
    done() {
      if (finished) return
      finished = true
      if (opts.isTTY) {
        // Leave the final state on screen, ended, so the report starts on a line of its own.
        if (shown) stream.write('\n')
      } else if (last && !latestPrinted) stream.write(`${formatProgress(last, false)}\n`)
    },
  }
}
