// What the HTML report's charts show, worked out here (pure, testable) rather than in the page: the page's
// script only turns these specs (html-chart-spec.ts) into Chart.js charts. Time axes are seconds on the
// load clock; values over time are buckets drawn as steps.

import type {Report} from '../model/report.js'
import type {Comparison} from './comparison.js'
import {meanSeries} from '../metrics/compare.js'
import {chartMarkers, color, round, stepPoints, type ChartSpec} from './html-chart-spec.js'
import {comparisonDistribution, reportDistribution} from './html-distribution-charts.js'
import {faultCharts} from './html-fault-charts.js'
import {timeCharts} from './html-time-charts.js'

export function reportCharts(r: Report): ChartSpec[] {
  return [...timeCharts(r), ...faultCharts(r), reportDistribution(r)]
}

function meanOf(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length
}

export function comparisonCharts(c: Comparison): ChartSpec[] {
  const first = c.subjects[0]?.reports[0]
  const marks = first ? chartMarkers(first) : []
  const ids = [...new Set(c.subjects.flatMap((s) => s.reports.flatMap((r) => r.backends.map((b) => b.id))))]
    .sort((a, b) => a.localeCompare(b, 'en', {numeric: true}))
  const overTime = (id: string, title: string, yTitle: string, pick: (p: Report['series'][number]) => number, scale: number, digits: number): ChartSpec => ({
    id,
    title,
    type: 'line',
    x: 'time',
    yTitle,
    datasets: c.subjects.map((s, i) => ({
      label: s.label,
      color: color(i),
      stepped: true,
      data: stepPoints(meanSeries(s.reports, pick), 1000, (p) => round(p.value / scale, digits)),
    })),
    markers: marks,
  })
  return [
    overTime('throughput', 'Throughput (mean of runs, 1 s buckets)', 'responses / s', (p) => p.completed, 1, 1),
    overTime('latency', 'p99 over time (mean of runs, 1 s buckets)', 'ms', (p) => p.latencyUs.p99, 1000, 3),
    {
      id: 'share',
      title: 'Share of responses per backend (mean of runs)',
      type: 'bar',
      x: 'category',
      labels: ids,
      yTitle: '% of responses',
      datasets: c.subjects.map((s, i) => ({
        label: s.label,
        color: color(i),
        data: ids.map((id) => round(meanOf(s.reports.map((r) => (r.backends.find((b) => b.id === id)?.share ?? 0) * 100)), 2)),
      })),
      markers: [],
    },
    comparisonDistribution(c),
  ]
}
