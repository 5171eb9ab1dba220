// Threshold expressions: `metric[phase] op value`, e.g. `latency.p99[steady] < 20ms`, `errors.rate < 1%`.
// Parsed when the scenario loads so that a typo is exit 2 before anything starts; values are converted to
// the metric's base unit (µs for latencies, ms for failover times, a fraction for rates).

import {knownMetricsHelp, lookupMetric, type MetricInfo} from '../metrics/catalogue.js'
import {tryParseDuration} from './duration.js'
import {quote} from './issues.js'
import type {ThresholdOp, ThresholdSpec} from '../model/scenario.js'

export interface ThresholdParseError {
  error: string
  /** Where in the expression the problem starts, for the column of the message. */
  offset: number
}

// `=>`, `=<` and `<>` are matched only to name the operator they stand for.
const shape = /^(\s*)([A-Za-z0-9_.]+)(?:\[([^\]]*)\])?(\s*)(<=|>=|==|!=|=>|=<|<>|<|>|=)(\s*)(.*?)\s*$/
const meant: Record<string, string> = {'=>': '>=', '=<': '<=', '<>': '!='}
const example = 'like "latency.p99 < 50ms" or "errors.rate[steady] < 1%"'

/** The parsed threshold, or what is wrong and where. Phase names are checked by the caller. */
export function parseThreshold(expr: string): {spec: ThresholdSpec} | ThresholdParseError {
  const m = shape.exec(expr)
  if (!m) return {error: `expected "metric op value" with op one of < <= > >= == !=, ${example}; got ${quote(expr)}`, offset: 0}
  const [, lead, metric, phase, gap1, op, gap2, valueText] = m
  const metricAt = lead.length
  const opAt = metricAt + metric.length + (phase === undefined ? 0 : phase.length + 2) + gap1.length
  const valueAt = opAt + op.length + gap2.length
  if (op === '=') return {error: 'use == to compare for equality', offset: opAt}
  if (meant[op]) return {error: `"${op}" is not an operator: did you mean ${meant[op]}?`, offset: opAt}
  const info = lookupMetric(metric)
  if (!info) return {error: `unknown metric ${quote(metric)}; known metrics: ${knownMetricsHelp}`, offset: metricAt}
  if (phase !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(phase)) {
    return {error: `expected a phase name in [brackets], like latency.p99[steady]; got "[${phase}]"`, offset: metricAt + metric.length}
  }
  if (valueText === '') return {error: `a value is missing after "${op}", ${example}`, offset: valueAt}
  const value = parseValue(valueText, info, metric)
  if (typeof value === 'string') return {error: value, offset: valueAt}
  const spec: ThresholdSpec = {expr: expr.trim(), metric, op: op as ThresholdOp, value}
  if (phase !== undefined) spec.phase = phase
  return {spec}
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
