// Threshold expressions: `metric[phase] op value`, e.g. `latency.p99[steady] < 20ms`, `errors.rate < 1%`.
// Parsed when the scenario loads so that a typo is exit 2 before anything starts; values are converted to
// the metric's base unit (µs for latencies, ms for failover times, a fraction for rates).

import {knownMetricsHelp, lookupMetric, type MetricUnit} from '../metrics/catalogue.js'
import {tryParseDuration} from './duration.js'
import {quote} from './issues.js'
import {tryParsePercentOrFraction} from './quantities.js'
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
  const value = parseValue(valueText, info.unit, metric)
  if (typeof value === 'string') return {error: value, offset: valueAt}
  const spec: ThresholdSpec = {expr: expr.trim(), metric, op: op as ThresholdOp, value}
  if (phase !== undefined) spec.phase = phase
  return {spec}
}

function parseValue(text: string, unit: MetricUnit, metric: string): number | string {
  switch (unit) {
    case 'us':
    case 'ms': {
      const d = tryParseDuration(text)
      if ('error' in d) return `${metric} is a time: its value carries a unit, like 50ms, 500us or 2s; got ${quote(text)}`
      return unit === 'us' ? Number((d.ms * 1000).toPrecision(12)) : d.ms
    }
    case 'fraction': {
      const f = tryParsePercentOrFraction(text)
      if ('error' in f) return `${metric} is a fraction: expected a percentage like 1% or a fraction from 0 to 1 like 0.01; got ${quote(text)}`
      return f.value
    }
    case 'number': {
      const n = Number(text)
      if (!/^-?(\d+(\.\d+)?|\.\d+)(e[+-]?\d+)?$/i.test(text) || !Number.isFinite(n)) return `${metric} is a plain number; got ${quote(text)}`
      return n
    }
  }
}
