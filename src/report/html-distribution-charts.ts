// The latency distribution charts: percentile curves (metrics/percentile-curve.ts) from p0 to p99.999,
// read from the HDR histograms the report keeps: the whole run's and each backend's, or for a comparison
// each subject's, its runs pooled (histograms add exactly; percentiles are never averaged). A report
// without histograms (written before they were kept) is drawn from its four summary percentiles.

import type {Report} from '../model/report.js'
import {mergeEncoded} from '../metrics/histogram.js'
import {encodedPercentileCurve, percentileCurve, summaryPercentileCurve, type CurvePoint} from '../metrics/percentile-curve.js'
import type {Comparison} from './comparison.js'
import {color, logFloor, round, type ChartDataset, type ChartSpec} from './html-chart-spec.js'

const RUN = '#1d232b'

const points = (curve: CurvePoint[]) => curve.map((p) => ({x: p.x, y: round(p.us / 1000)}))

function distributionChart(title: string, datasets: ChartDataset[]): ChartSpec {
  const values = datasets.flatMap((d) => (d.data as Array<{y: number}>).map((p) => p.y))
  return {id: 'distribution', title, type: 'line', x: 'percentile', yTitle: 'ms (log scale)', yLog: true, yMin: logFloor(values), datasets, markers: []}
}

/** The run's curve, and one per backend that has a histogram. */
export function reportDistribution(r: Report): ChartSpec {
  const s = r.summary
  const run = s.histogram ? encodedPercentileCurve(s.histogram) : summaryPercentileCurve(s.latencyUs)
  const backends = r.backends.filter((b) => b.histogram && b.requests > 0)
  return distributionChart(backends.length > 0 ? 'Latency distribution: all responses and per backend' : 'Latency distribution', [
    {label: 'all responses', color: RUN, data: points(run)},
    ...backends.map((b) => ({label: b.id, color: color(r.backends.indexOf(b)), thin: true, data: points(encodedPercentileCurve(b.histogram!))})),
  ])
}

/** One curve per subject: its runs' histograms added together. */
export function comparisonDistribution(c: Comparison): ChartSpec {
  return distributionChart('Latency distribution (runs of a subject pooled)', c.subjects.map((s, i) => ({
    label: s.label,
    color: color(i),
    data: points(pooledCurve(s.reports)),
  })))
}

function pooledCurve(reports: Report[]): CurvePoint[] {
  const encoded = reports.map((r) => r.summary.histogram)
  if (encoded.every((h): h is string => h !== undefined)) return percentileCurve(mergeEncoded(encoded))
  // Without every run's histogram there is nothing to pool: the first run's own figures.
  return reports[0] ? summaryPercentileCurve(reports[0].summary.latencyUs) : []
}
