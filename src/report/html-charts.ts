// What the HTML report's charts show, worked out here (pure, testable) rather than in the page: the page's
// script only turns these specs into Chart.js charts. Time axes are seconds on the load clock.

import type {Report} from '../model/report.js'
import type {Comparison} from './comparison.js'
import {meanSeries} from '../metrics/compare.js'
import {markers as timelineMarkers} from './markers.js'

export interface ChartPoint {
  x: number
  y: number
}

export interface ChartDataset {
  label: string
  /** Points on a linear x axis, or plain values on a category axis. */
  data: ChartPoint[] | number[]
  color: string
  /** Which y axis: the right one (y1) carries a second unit. */
  axis?: 'y' | 'y1'
  /** Filled area (stacked share charts). */
  fill?: boolean
}

export interface ChartMarker {
  /** Seconds on the load clock. */
  x: number
  kind: 'fault' | 'health'
  label: string
}

export interface ChartSpec {
  id: string
  title: string
  type: 'line' | 'bar'
  /** `time`: linear seconds; `category`: the labels. */
  x: 'time' | 'category'
  labels?: string[]
  yTitle: string
  y1Title?: string
  yLog?: boolean
  /** Lower end of a log axis: a decade below the smallest value, so the smallest bar still shows. */
  yMin?: number
  stacked?: boolean
  yMax?: number
  datasets: ChartDataset[]
  markers: ChartMarker[]
}

/** Tableau 10: distinct, readable on white, fine for colour-blind readers in pairs. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac']
const color = (i: number) => PALETTE[i % PALETTE.length]
const FAILED = '#d62728'

function chartMarkers(r: Report): ChartMarker[] {
  return timelineMarkers(r)
    .filter((m) => m.kind !== 'phase')
    .map((m) => ({x: m.atMs / 1000, kind: m.kind === 'fault' ? 'fault' : 'health', label: m.label}))
}

/** A per-second count plotted at the middle of its second, so a marker at t=3.0s sits at the second's start. */
const mid = (tMs: number) => tMs / 1000 + 0.5
const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d

const PERCENTILES: Array<[string, keyof Report['summary']['latencyUs']]> = [['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['p99.9', 'p999'], ['max', 'max']]

export function reportCharts(r: Report): ChartSpec[] {
  const marks = chartMarkers(r)
  const ids = r.backends.map((b) => b.id)
  return [
    {
      id: 'throughput',
      title: 'Throughput',
      type: 'line',
      x: 'time',
      yTitle: 'responses / s',
      y1Title: 'failed / s',
      datasets: [
        {label: 'completed / s', color: color(0), data: r.series.map((p) => ({x: mid(p.tMs), y: p.completed}))},
        {label: 'failed / s', color: FAILED, axis: 'y1', data: r.series.map((p) => ({x: mid(p.tMs), y: p.failed}))},
      ],
      markers: marks,
    },
    {
      id: 'latency',
      title: 'Latency over time',
      type: 'line',
      x: 'time',
      yTitle: 'ms',
      datasets: [
        {label: 'p50', color: color(2), data: r.series.map((p) => ({x: mid(p.tMs), y: round(p.latencyUs.p50 / 1000)}))},
        {label: 'p99', color: color(6), data: r.series.map((p) => ({x: mid(p.tMs), y: round(p.latencyUs.p99 / 1000)}))},
      ],
      markers: marks,
    },
    {
      id: 'share',
      title: 'Share of responses per backend',
      type: 'line',
      x: 'time',
      yTitle: '% of responses',
      stacked: true,
      yMax: 100,
      datasets: ids.map((id, i) => ({
        label: id,
        color: color(i),
        fill: true,
        data: r.series.map((p) => ({x: mid(p.tMs), y: p.completed > 0 ? round(((p.perBackend[id] ?? 0) / p.completed) * 100, 2) : 0})),
      })),
      markers: marks,
    },
    {
      id: 'distribution',
      title: 'Latency percentiles',
      type: 'bar',
      x: 'category',
      labels: PERCENTILES.map(([l]) => l),
      yTitle: 'ms (log scale)',
      yLog: true,
      yMin: logFloor(PERCENTILES.map(([, k]) => r.summary.latencyUs[k] / 1000)),
      datasets: [{label: 'latency', color: color(0), data: PERCENTILES.map(([, k]) => round(r.summary.latencyUs[k] / 1000))}],
      markers: [],
    },
  ]
}

function logFloor(values: number[]): number | undefined {
  const positive = values.filter((v) => v > 0)
  if (positive.length === 0) return undefined
  return 10 ** Math.floor(Math.log10(Math.min(...positive) * 0.9))
}

function meanOf(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length
}

export function comparisonCharts(c: Comparison): ChartSpec[] {
  const first = c.subjects[0]?.reports[0]
  const marks = first ? chartMarkers(first) : []
  const ids = [...new Set(c.subjects.flatMap((s) => s.reports.flatMap((r) => r.backends.map((b) => b.id))))]
    .sort((a, b) => a.localeCompare(b, 'en', {numeric: true}))
  return [
    {
      id: 'throughput',
      title: 'Throughput (mean of runs)',
      type: 'line',
      x: 'time',
      yTitle: 'responses / s',
      datasets: c.subjects.map((s, i) => ({
        label: s.label,
        color: color(i),
        data: meanSeries(s.reports, (p) => p.completed).map((p) => ({x: mid(p.tMs), y: round(p.value, 1)})),
      })),
      markers: marks,
    },
    {
      id: 'latency',
      title: 'p99 over time (mean of runs)',
      type: 'line',
      x: 'time',
      yTitle: 'ms',
      datasets: c.subjects.map((s, i) => ({
        label: s.label,
        color: color(i),
        data: meanSeries(s.reports, (p) => p.latencyUs.p99).map((p) => ({x: mid(p.tMs), y: round(p.value / 1000)})),
      })),
      markers: marks,
    },
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
    {
      id: 'distribution',
      title: 'Latency percentiles (mean of runs)',
      type: 'bar',
      x: 'category',
      labels: PERCENTILES.map(([l]) => l),
      yTitle: 'ms (log scale)',
      yLog: true,
      yMin: logFloor(c.subjects.flatMap((s) => s.reports.map((r) => r.summary.latencyUs.p50 / 1000))),
      datasets: c.subjects.map((s, i) => ({
        label: s.label,
        color: color(i),
        data: PERCENTILES.map(([, k]) => round(meanOf(s.reports.map((r) => r.summary.latencyUs[k])) / 1000)),
      })),
      markers: [],
    },
  ]
}
