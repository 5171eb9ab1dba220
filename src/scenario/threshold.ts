// Threshold expressions: `metric[phase, window=…] op value`, e.g. `latency.p99[steady] < 20ms`,
// `errors.rate < 1%`, `errors.rate[window=10s] < 5%` (in every 10 s window, not only over the whole run).
// Parsed when the scenario loads so that a typo is exit 2 before anything starts; values are converted to
// the metric's base unit (µs for latencies, ms for failover times, a fraction for rates).

import {knownMetricsHelp, lookupMetric, windowableMetricsHelp, type MetricInfo} from '../metrics/catalogue.js'
import {formatDuration, tryParseDuration} from './duration.js'
import {quote} from './issues.js'
import type {PhaseSpec, ThresholdOp, ThresholdSpec} from '../model/scenario.js'

export interface ThresholdParseError {
  error: string
  /** Where in the expression the problem starts, for the column of the message. */
  offset: number
}

/** A parsed threshold, and where its window is written (for the caller's message when it cannot fit). */
export interface ParsedThreshold {
  spec: ThresholdSpec
  windowAt?: number
}

// `=>`, `=<` and `<>` are matched only to name the operator they stand for.
const shape = /^(\s*)([A-Za-z0-9_.]+)(?:\[([^\]]*)\])?(\s*)(<=|>=|==|!=|=>|=<|<>|<|>|=)(\s*)(.*?)\s*$/
const meant: Record<string, string> = {'=>': '>=', '=<': '<=', '<>': '!='}
const example = 'like "latency.p99 < 50ms" or "errors.rate[steady] < 1%"'

/** The parsed threshold, or what is wrong and where. Phase names and window lengths are checked by the caller. */
export function parseThreshold(expr: string): ParsedThreshold | ThresholdParseError {
  const m = shape.exec(expr)
  if (!m) return {error: `expected "metric op value" with op one of < <= > >= == !=, ${example}; got ${quote(expr)}`, offset: 0}
  const [, lead, metric, bracket, gap1, op, gap2, valueText] = m
  const metricAt = lead.length
  const opAt = metricAt + metric.length + (bracket === undefined ? 0 : bracket.length + 2) + gap1.length
  const valueAt = opAt + op.length + gap2.length
  if (op === '=') return {error: 'use == to compare for equality', offset: opAt}
  if (meant[op]) return {error: `"${op}" is not an operator: did you mean ${meant[op]}?`, offset: opAt}
  const info = lookupMetric(metric)
  if (!info) return {error: `unknown metric ${quote(metric)}; known metrics: ${knownMetricsHelp}`, offset: metricAt}
  const q = bracket === undefined ? {} : parseBracket(bracket, metricAt + metric.length)
  if ('error' in q) return q
  if (q.windowAt !== undefined) {
    if (!info.windowable) {
      return {error: `${metric} has no value per window: a window takes a rate, a latency or a throughput (${windowableMetricsHelp})`, offset: q.windowAt}
    }
    if (op === '==' || op === '!=') return {error: `a window threshold must hold in every window: compare with <, <=, > or >=, not ${op}`, offset: opAt}
  }
  if (valueText === '') return {error: `a value is missing after "${op}", ${example}`, offset: valueAt}
  const value = parseValue(valueText, info, metric)
  if (typeof value === 'string') return {error: value, offset: valueAt}
  const spec: ThresholdSpec = {expr: expr.trim(), metric, op: op as ThresholdOp, value}
  if (q.phase !== undefined) spec.phase = q.phase
  if (q.window !== undefined) spec.window = q.window
  return {spec, ...(q.windowAt === undefined ? {} : {windowAt: q.windowAt})}
}

interface Qualifiers {
  phase?: string
  window?: number
  windowAt?: number
}

/** `[steady]`, `[window=10s]` or both, comma-separated in either order; `at` is the offset of the `[`. */
function parseBracket(inner: string, at: number): Qualifiers | ThresholdParseError {
  const out: Qualifiers = {}
  let next = at + 1
  for (const raw of inner.split(',')) {
    const itemAt = next + raw.length - raw.trimStart().length
    next += raw.length + 1
    const item = raw.trim()
    const w = /^window\s*=\s*(.*)$/.exec(item)
    if (w) {
      if (out.window !== undefined) return {error: 'one window per threshold', offset: itemAt}
      const d = tryParseDuration(w[1])
      if ('error' in d) return {error: `window: ${d.error}`, offset: itemAt}
      if (d.ms < 1000 || d.ms % 1000 !== 0) {
        return {error: `a window is a whole number of seconds (it slides by 1 s over per-second figures), like window=10s; got ${quote(w[1])}`, offset: itemAt}
      }
      out.window = d.ms
      out.windowAt = itemAt
    } else if (/^[a-z0-9][a-z0-9_-]*$/.test(item)) {
      if (out.phase !== undefined) return {error: `one phase per threshold; got "${out.phase}" and "${item}"`, offset: itemAt}
      out.phase = item
    } else {
      const like = 'like latency.p99[steady], errors.rate[window=10s] or errors.rate[steady, window=10s]'
      return {error: `expected a phase name and/or window=DURATION in [brackets], ${like}; got "[${inner}]"`, offset: at}
    }
  }
  return out
}

/** Why a threshold's window cannot fit in the measured time it slides over (or its phase's), or undefined. */
export function windowProblem(t: ThresholdSpec, phases: ReadonlyArray<Pick<PhaseSpec, 'name' | 'duration' | 'measure'>>): string | undefined {
  if (t.window === undefined) return undefined
  const over = phases.filter((p) => p.measure && (t.phase === undefined || p.name === t.phase))
  const measuredMs = over.reduce((n, p) => n + p.duration, 0)
  if (t.window <= measuredMs) return undefined
  const what = t.phase === undefined ? 'the measured load' : `phase "${t.phase}"`
  return `the window (${formatDuration(t.window)}) is longer than ${what} (${formatDuration(measuredMs)}), so no window fits in it`
}

function parseValue(text: string, info: MetricInfo, metric: string): number | string {
  switch (info.unit) {
    case 'us':
    case 'ms': {
      const d = tryParseDuration(text)
      if ('error' in d) return `${metric} is a time: its value carries a unit, like 50ms, 500us or 2s; got ${quote(text)}`
      return info.unit === 'us' ? Number((d.ms * 1000).toPrecision(12)) : d.ms
    }
    case 'fraction': return parseRate(text, metric)
    case 'ratio': return parseRatio(text, metric, info.max)
    case 'number': {
      const n = Number(text)
      if (!/^-?(\d+(\.\d+)?|\.\d+)(e[+-]?\d+)?$/i.test(text) || !Number.isFinite(n)) return `${metric} is a plain number; got ${quote(text)}`
      return n
    }
  }
}

/** `12`, `0.5`, `90%` → the number and whether it had a `%`. */
function numberOrPercent(text: string): {n: number; percent: boolean} | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(%?)$/.exec(text)
  return m ? {n: Number(m[1]), percent: m[2] === '%'} : undefined
}

const ofPercent = (n: number) => Number((n / 100).toPrecision(12))

/** A rate: `1%`, or a fraction below 1; a bare number from 1 up is refused, naming what to write. */
function parseRate(text: string, metric: string): number | string {
  const v = numberOrPercent(text)
  const expected = `${metric} is a fraction: expected a percentage like 1% or a fraction below 1 like 0.01; got ${quote(text)}`
  if (!v || v.n > 100) return expected
  if (v.percent) return ofPercent(v.n)
  if (v.n < 1) return v.n
  const write = v.n < 100 ? `${text}% or ${ofPercent(v.n)}` : `${text}%`
  return `${metric} is a fraction: write ${write} (a bare number must be below 1: ${text} would mean ${v.n * 100}%)`
}

/** A ratio: a number, or a percentage of 1 (`90%` = 0.9), within `max` when the metric has one. */
function parseRatio(text: string, metric: string, max: number | undefined): number | string {
  const v = numberOrPercent(text)
  const what = max === 1 ? 'an index from 0 to 1' : 'a ratio'
  const like = max === 1 ? 'a fraction like 0.9 or a percentage like 90%' : 'a number like 0.1 or a percentage like 10%'
  const expected = `${metric} is ${what}: write ${like}; got ${quote(text)}`
  if (!v) return expected
  const value = v.percent ? ofPercent(v.n) : v.n
  if (max === undefined || value <= max) return value
  if (!v.percent && v.n <= 100 * max) return `${metric} is ${what}: write ${ofPercent(v.n)} or ${text}%; got ${quote(text)}`
  return expected
}
