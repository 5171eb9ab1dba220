// The metrics thresholds and baselines can name, and the unit of each. Scenario validation uses it to
// reject unknown metrics and convert values (`50ms` → 50000 µs); evaluation reads the same names from
// a report (metrics/thresholds.ts).

/**
 * How a metric's values are written, compared and shown:
 * - us: a latency, compared in µs; ms: a failover time, in ms (both written with a unit: 50ms, 2s);
 * - fraction: a rate, a share of the requests from 0 to 1, shown as a percentage. Written `1%` or as a
 *   fraction below 1 (`0.01`): a bare 1 would read as "1%" to many but mean 100%, a gate that never fails;
 * - ratio: a dimensionless ratio shown as a plain number (fairness figures), written as a number (`0.9`)
 *   or a percentage of 1 (`90%`); `max` bounds it when it has a top (Jain's index: 1);
 * - number: a count or a throughput, plain.
 */
export type MetricUnit = 'us' | 'ms' | 'fraction' | 'ratio' | 'number'

export interface MetricInfo {
  unit: MetricUnit
  /** The highest value the metric can take, when it has one. */
  max?: number
  /** Whether larger is better, for baselines (a regression is a move the wrong way). */
  higherIsBetter: boolean
  /** The metric has a value in any window of seconds (`errors.rate[window=10s]`); see metrics/threshold-windows.ts. */
  windowable?: true
  description: string
}

const fixed: Record<string, MetricInfo> = {
  'latency.max': {unit: 'us', higherIsBetter: false, description: 'slowest response'},
  'latency.mean': {unit: 'us', higherIsBetter: false, description: 'mean response time'},
  'errors.rate': {unit: 'fraction', higherIsBetter: false, windowable: true, description: 'failed / sent'},
  'errors.count': {unit: 'number', higherIsBetter: false, description: 'failed requests'},
  'errors.connect': {unit: 'number', higherIsBetter: false, description: 'connect errors'},
  'errors.reset': {unit: 'number', higherIsBetter: false, description: 'connections reset'},
  'errors.timeout': {unit: 'number', higherIsBetter: false, description: 'timeouts'},
  'errors.non2xx': {unit: 'number', higherIsBetter: false, description: 'non-2xx responses'},
  'requests.sent': {unit: 'number', higherIsBetter: true, description: 'requests sent'},
  'requests.completed': {unit: 'number', higherIsBetter: true, description: 'responses received'},
  'requests.failed': {unit: 'number', higherIsBetter: false, description: 'failed requests'},
  'throughput.rps': {unit: 'number', higherIsBetter: true, windowable: true, description: 'responses per second'},
  'throughput.bytesPerSec': {unit: 'number', higherIsBetter: true, windowable: true, description: 'bytes per second'},
  'fairness.jain': {unit: 'ratio', max: 1, higherIsBetter: true, description: "Jain's index over backends that were up (0 to 1)"},
  'fairness.cv': {unit: 'ratio', higherIsBetter: false, description: 'coefficient of variation of backend requests'},
  'fairness.maxMean': {unit: 'ratio', higherIsBetter: false, description: 'busiest backend / mean'},
  'failover.failed': {unit: 'number', higherIsBetter: false, description: 'client-visible failures in fault windows (sum)'},
  'failover.hidden': {unit: 'number', higherIsBetter: false, description: 'retried attempts in fault windows (sum)'},
  'failover.ttd': {unit: 'ms', higherIsBetter: false, description: 'time to detect (worst fault)'},
  'failover.ttr': {unit: 'ms', higherIsBetter: false, description: 'time to reintegrate (worst fault)'},
}

const backendFields: Record<string, MetricInfo> = {
  share: {unit: 'fraction', higherIsBetter: true, description: "the backend's share of responses"},
  errors: {unit: 'number', higherIsBetter: false, description: 'non-2xx responses it served'},
  requests: {unit: 'number', higherIsBetter: true, description: 'responses it served'},
  p50: {unit: 'us', higherIsBetter: false, description: 'its median latency'},
  p99: {unit: 'us', higherIsBetter: false, description: 'its p99 latency'},
}

const percentile = /^latency\.p(\d{1,2}(?:\.\d+)?|999)$/
const backendMetric = /^backend\.(r[1-9]\d*)\.(\w+)$/

/** The metric's definition, or undefined when no such metric exists. */
export function lookupMetric(name: string): MetricInfo | undefined {
  if (fixed[name]) return fixed[name]
  const p = percentile.exec(name)
  if (p) return {unit: 'us', higherIsBetter: false, windowable: true, description: `${p[1]}th percentile latency`}
  const b = backendMetric.exec(name)
  if (b) return backendFields[b[2]]
  return undefined
}

/** The percentile a `latency.pNN` metric names (p999 = 99.9), or undefined. */
export function percentileOf(name: string): number | undefined {
  const p = percentile.exec(name)
  if (!p) return undefined
  return p[1] === '999' ? 99.9 : Number(p[1])
}

/** The backend id and field a `backend.<id>.<field>` metric names, or undefined. */
export function backendMetricOf(name: string): {id: string; field: string} | undefined {
  const b = backendMetric.exec(name)
  return b && backendFields[b[2]] ? {id: b[1], field: b[2]} : undefined
}

/** For messages that list what is known. */
export const knownMetricsHelp = [
  'latency.pNN (e.g. p50, p90, p99, p999)',
  ...Object.keys(fixed),
  ...Object.keys(backendFields).map((f) => `backend.<id>.${f}`),
].join(', ')

/** The metrics a window threshold takes, for messages. */
export const windowableMetricsHelp = ['latency.pNN', ...Object.keys(fixed).filter((m) => fixed[m].windowable)].join(', ')
