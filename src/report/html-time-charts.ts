// The report's charts over time. Every value is a bucket's (a second's, or 100 ms's when the report keeps
// the finer series for the whole run) and is drawn flat across its bucket, as steps: a line from one
// bucket's value to the next would draw a ramp that never happened (two failures at t = 1.0 s would
// seem to build up over a whole second).

import type {FinePoint, Report, SeriesPoint} from '../model/report.js'
import {backendsUpChanges} from '../metrics/backends-up.js'
import {openConnectionsChanged} from '../metrics/series.js'
import {chartMarkers, color, FAILED, round, stepPoints, type ChartDataset, type ChartMarker, type ChartSpec} from './html-chart-spec.js'

/** The buckets the time charts are drawn from. */
export interface TimeView {
  bucketMs: number
  buckets: ReadonlyArray<SeriesPoint | FinePoint>
  /** `s` or `100 ms`: what a count is per. */
  per: string
  /** For the titles: `1 s buckets`. */
  resolution: string
}

/** The finer series when it covers the whole measured time, else the per-second one. */
export function timeView(r: Report): TimeView {
  const fine = r.fineSeries
  const w = fine?.windows
  if (fine && w?.length === 1 && w[0].startMs <= 0 && w[0].endMs >= r.summary.durationMs && fine.points.length > 0) {
    return {bucketMs: fine.bucketMs, buckets: fine.points, per: `${fine.bucketMs} ms`, resolution: `${fine.bucketMs} ms buckets`}
  }
  return {bucketMs: 1000, buckets: r.series, per: 's', resolution: '1 s buckets'}
}

const line = (label: string, i: number | string, data: ChartDataset['data'], more: Partial<ChartDataset> = {}): ChartDataset =>
  ({label, color: typeof i === 'number' ? color(i) : i, stepped: true, data, ...more})

function timeChart(id: string, title: string, yTitle: string, datasets: ChartDataset[], markers: ChartMarker[], more: Partial<ChartSpec> = {}): ChartSpec {
  return {id, title, type: 'line', x: 'time', yTitle, datasets, markers, ...more}
}

function throughputChart(v: TimeView, marks: ChartMarker[]): ChartSpec {
  return timeChart('throughput', `Throughput (${v.resolution})`, `responses / ${v.per}`, [
    line(`completed / ${v.per}`, 0, stepPoints(v.buckets, v.bucketMs, (p) => p.completed)),
    line(`failed / ${v.per}`, FAILED, stepPoints(v.buckets, v.bucketMs, (p) => p.failed), {axis: 'y1'}),
  ], marks, {y1Title: `failed / ${v.per}`})
}

function latencyChart(v: TimeView, marks: ChartMarker[]): ChartSpec {
  const ms = (us: number | undefined) => (us === undefined ? null : round(us / 1000))
  return timeChart('latency', `Latency over time (${v.resolution})`, 'ms', [
    line('p50', 2, stepPoints(v.buckets, v.bucketMs, (p) => ms(p.latencyUs?.p50))),
    line('p99', 6, stepPoints(v.buckets, v.bucketMs, (p) => ms(p.latencyUs?.p99))),
  ], marks)
}

function shareChart(v: TimeView, ids: string[], marks: ChartMarker[]): ChartSpec {
  return timeChart('share', `Share of responses per backend (${v.resolution})`, '% of responses', ids.map((id, i) => line(id, i,
    stepPoints(v.buckets, v.bucketMs, (p) => (p.completed > 0 ? round(((p.perBackend[id] ?? 0) / p.completed) * 100, 2) : 0)), {fill: true})), marks, {stacked: true, yMax: 100})
}

/** Each backend's p99 per second; undefined when the report has none (older reports). */
function backendP99Chart(r: Report, ids: string[], marks: ChartMarker[]): ChartSpec | undefined {
  if (!r.series.some((p) => p.perBackendP99Us)) return undefined
  return timeChart('backend-p99', 'p99 per backend (1 s buckets; seconds with < 20 responses left out)', 'ms', ids.map((id, i) => line(id, i,
    stepPoints(r.series, 1000, (p) => {
      const us = p.perBackendP99Us?.[id]
      return us === undefined ? null : round(us / 1000)
    }))), marks)
}

/** In-flight requests per backend as the built-in proxy sampled them; undefined for other balancers. */
function inflightChart(v: TimeView, ids: string[], marks: ChartMarker[]): ChartSpec | undefined {
  if (!v.buckets.some((p) => p.inflight)) return undefined
  return timeChart('inflight', `In-flight requests per backend (mean over each of the ${v.resolution})`, 'requests in flight', ids.map((id, i) => line(id, i,
    stepPoints(v.buckets, v.bucketMs, (p) => (p.inflight ? p.inflight[id] ?? 0 : null)))), marks)
}

/**
 * The connections the generator held open, each second's drawn across it; undefined when the count never
 * changed (or the report has none): a ramp at thousands of connections, or clients refused by a backend that went away.
 */
function openConnectionsChart(r: Report, marks: ChartMarker[]): ChartSpec | undefined {
  if (!openConnectionsChanged(r.series)) return undefined
  return timeChart('open-connections', 'Connections the load generator held open (at the end of each second)', 'connections',
    [line('open', 0, stepPoints(r.series, 1000, (p) => p.openConnections))], marks, {yInteger: true})
}

/** Backends up, changing at the exact times of the timeline; undefined when the count never changed. */
function backendsUpChart(r: Report, total: number, marks: ChartMarker[]): ChartSpec | undefined {
  const endMs = r.summary.durationMs
  const changes = backendsUpChanges(r.timeline, total)
  const inForce = (atMs: number) => changes.filter(([at]) => at <= atMs).at(-1)?.[1] ?? total
  const inside = changes.filter(([at]) => at > 0 && at < endMs)
  if (total === 0 || endMs <= 0 || (inside.length === 0 && inForce(0) === total)) return undefined
  const steps = [{tMs: 0, n: inForce(0)}, ...inside.map(([tMs, n]) => ({tMs, n}))]
  const data = [...steps.map((s) => ({x: s.tMs / 1000, y: s.n})), {x: endMs / 1000, y: steps[steps.length - 1].n}]
  return timeChart('backends-up', 'Backends up (replica exit/ready, balancer down/up)', 'backends', [line('backends up', 0, data)], marks, {yInteger: true})
}

/** The charts over time of a report, in reading order (those without data left out). */
export function timeCharts(r: Report): ChartSpec[] {
  const marks = chartMarkers(r)
  const ids = r.backends.map((b) => b.id)
  const v = timeView(r)
  return [
    throughputChart(v, marks),
    latencyChart(v, marks),
    backendP99Chart(r, ids, marks),
    shareChart(v, ids, marks),
    inflightChart(v, ids, marks),
    openConnectionsChart(r, marks),
    backendsUpChart(r, r.scenario.replicas.count, marks),
  ].filter((c): c is ChartSpec => c !== undefined)
}
