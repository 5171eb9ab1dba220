// What a chart of the HTML report is, as the page's script (html-client.ts) takes it: plain data the
// renderers work out in Node (pure, testable), embedded in the page as JSON. Also the pieces every chart
// builder shares: colours, the fault and health markers, and buckets drawn as steps.

import type {Report} from '../model/report.js'
import {markers as timelineMarkers} from './markers.js'

export interface ChartPoint {
  x: number
  /** null: no value here (a bucket with too few responses for a percentile); the line breaks. */
  y: number | null
}

export interface ChartDataset {
  label: string
  /** Points on a linear (or percentile) x axis, or plain values on a category axis. */
  data: ChartPoint[] | number[]
  color: string
  /** Which y axis: the right one (y1) carries a second unit. */
  axis?: 'y' | 'y1'
  /** Filled area (stacked share charts). */
  fill?: boolean
  /**
   * A bucket's value drawn flat over the whole bucket: each point is a bucket's start, its value holds
   * until the next point (the last bucket gets a closing point at its end). Never a line between
   * bucket values, which would invent a ramp inside the bucket.
   */
  stepped?: boolean
  /** Thinner and dashed (a per-backend line beside the run's own). */
  thin?: boolean
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
  /** `time`: linear seconds; `category`: the labels; `percentile`: 1/(1 − q) on a log scale, labelled p90, p99 … */
  x: 'time' | 'category' | 'percentile'
  /** The x range shown (a window around a fault). */
  xMin?: number
  xMax?: number
  labels?: string[]
  yTitle: string
  y1Title?: string
  yLog?: boolean
  /** Lower end of a log axis: a decade below the smallest value, so the smallest value still shows. */
  yMin?: number
  stacked?: boolean
  yMax?: number
  /** Whole numbers only on the y axis (counts of backends). */
  yInteger?: boolean
  datasets: ChartDataset[]
  markers: ChartMarker[]
}

/** Tableau 10: distinct, readable on white, fine for colour-blind readers in pairs. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac']
export const color = (i: number) => PALETTE[i % PALETTE.length]
export const FAILED = '#d62728'

export const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d

/** The report's faults and health changes as chart markers, in seconds. */
export function chartMarkers(r: Pick<Report, 'timeline'>): ChartMarker[] {
  return timelineMarkers(r)
    .filter((m) => m.kind !== 'phase')
    .map((m) => ({x: m.atMs / 1000, kind: m.kind === 'fault' ? 'fault' : 'health', label: m.label}))
}

/**
 * Buckets as the points of a stepped line: one at each bucket's start (seconds) with its value, and one
 * at the last bucket's end repeating the last value, so that the last bucket is as wide as the others.
 * A bucket that does not follow the one before (a gap in the data) first gets a null point, so the line
 * breaks instead of stretching the earlier value over the gap.
 */
export function stepPoints<T extends {tMs: number}>(buckets: readonly T[], bucketMs: number, value: (b: T) => number | null | undefined): ChartPoint[] {
  const out: ChartPoint[] = []
  let nextMs: number | undefined
  let last: number | null = null
  for (const b of buckets) {
    if (nextMs !== undefined && b.tMs !== nextMs) out.push({x: nextMs / 1000, y: last}, {x: nextMs / 1000, y: null})
    const v = value(b)
    last = v === undefined || v === null ? null : v
    out.push({x: b.tMs / 1000, y: last})
    nextMs = b.tMs + bucketMs
  }
  if (nextMs !== undefined) out.push({x: nextMs / 1000, y: last})
  return out
}

/** The lower end of a log axis for these values: a decade below the smallest positive one. */
export function logFloor(values: number[]): number | undefined {
  const positive = values.filter((v) => v > 0)
  if (positive.length === 0) return undefined
  return 10 ** Math.floor(Math.log10(Math.min(...positive) * 0.9))
}
