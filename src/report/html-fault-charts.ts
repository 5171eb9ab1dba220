// A close-up of each fault from the report's 100 ms buckets: from 2 s before to 2 s after it, the
// responses each backend served and the failures, per 100 ms. This is where time to detect (tens of
// milliseconds) can be seen: a killed backend's line drops to zero within a bucket or two, and failures
// stand at the moment they happened instead of being spread over their second.

import type {FinePoint, Report} from '../model/report.js'
import {at} from './format.js'
import {chartMarkers, color, FAILED, stepPoints, type ChartSpec} from './html-chart-spec.js'
import {markers} from './markers.js'

const AROUND_MS = 2000

/** One chart per fault event inside the measured time whose surroundings the finer series covers. */
export function faultCharts(r: Report): ChartSpec[] {
  const fine = r.fineSeries
  if (!fine || fine.points.length === 0) return []
  const marks = chartMarkers(r)
  const ids = r.backends.map((b) => b.id)
  const faults = markers(r).filter((m) => m.kind === 'fault' && m.atMs >= 0 && m.atMs < r.summary.durationMs)
  return faults.flatMap((f, n): ChartSpec[] => {
    const points = fine.points.filter((p) => p.tMs + fine.bucketMs > f.atMs - AROUND_MS && p.tMs < f.atMs + AROUND_MS)
    if (!points.some((p) => p.tMs <= f.atMs && f.atMs < p.tMs + fine.bucketMs)) return []
    const per = `${fine.bucketMs} ms`
    return [{
      id: `fault-${n + 1}`,
      title: `Around ${f.label} at ${at(f.atMs, 3)} (${per} buckets)`,
      type: 'line',
      x: 'time',
      xMin: Math.max(0, (f.atMs - AROUND_MS) / 1000),
      xMax: Math.min(lastEnd(points, fine.bucketMs), f.atMs + AROUND_MS) / 1000,
      yTitle: `responses / ${per}`,
      y1Title: `failed / ${per}`,
      datasets: [
        ...ids.map((id, i) => ({label: id, color: color(i), stepped: true, data: stepPoints(points, fine.bucketMs, (p) => p.perBackend[id] ?? 0)})),
        {label: `failed / ${per}`, color: FAILED, axis: 'y1' as const, stepped: true, data: stepPoints(points, fine.bucketMs, (p) => p.failed)},
      ],
      markers: marks,
    }]
  })
}

function lastEnd(points: FinePoint[], bucketMs: number): number {
  return points[points.length - 1].tMs + bucketMs
}
