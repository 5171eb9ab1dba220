// Durations in scenario files always carry a unit: a bare `5` could mean 5 ms or 5 s, and guessing
// wrong makes a run measure something else than its author meant. One parser for every duration
// (phases, timeouts, fault offsets, threshold values), so they all read the same way.

import {UsageError} from '../model/errors.js'
import {quote} from './issues.js'

const unitMs: Record<string, number> = {us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000}

/** The shape of a duration, for the JSON Schema editors check files against. */
export const durationPattern = '^(\\d+(\\.\\d+)?|\\.\\d+)(us|µs|ms|s|m|h)$'
const durationRe = new RegExp(durationPattern)

export const durationHint = 'durations carry a unit: 500ms, 5s, 2m'

/** Milliseconds, or a message saying what is wrong with the text. */
export function tryParseDuration(text: unknown): {ms: number} | {error: string} {
  if (typeof text === 'number') return {error: `${durationHint} (got the bare number ${text})`}
  if (typeof text !== 'string') return {error: `expected a duration; ${durationHint}`}
  const m = durationRe.exec(text.trim())
  if (!m) {
    const bare = /^-?\d+(\.\d+)?$/.test(text.trim())
    return {error: bare ? `${durationHint} (got the bare number ${text.trim()})` : `expected a duration like 500ms, 5s, 2m, 250us; got ${quote(text)}`}
  }
  // Round away binary noise (1.1s = 1100.0000000000002 ms otherwise).
  return {ms: Number((Number(m[1]) * unitMs[m[3]]).toPrecision(12))}
}

/** Milliseconds; a UsageError for anything else (for command-line flags). */
export function parseDuration(text: string): number {
  const r = tryParseDuration(text)
  if ('error' in r) throw new UsageError(r.error)
  return r.ms
}

/** Short and exact: 500ms, 5s, 1.5s, 2m, 250us. */
export function formatDuration(ms: number): string {
  const exact = (n: number) => Number(n.toPrecision(12)).toString()
  if (ms !== 0 && Math.abs(ms) < 1) return `${exact(ms * 1000)}us`
  if (Math.abs(ms) < 1000) return `${exact(ms)}ms`
  if (Math.abs(ms) < 60_000 || ms % 1000 !== 0) return `${exact(ms / 1000)}s`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  return `${exact(ms / 1000)}s`
}
