// The timeline events every time-series view marks: faults (what was done) and health (what the
// system did about it: a replica exited or became ready, a backend went down or came back).
// Timeline kinds are named by the run; the rule here is by prefix so new kinds land somewhere sensible:
// `fault…` is a fault, `phase…` is a phase boundary, anything else is a health/state change.

import type {Report, TimelineEvent} from '../model/report.js'

export type MarkerKind = 'fault' | 'health' | 'phase'

export interface Marker {
  atMs: number
  kind: MarkerKind
  /** Short, for a chart label or a table cell: `kill r2`, `r2 down`. */
  label: string
  /** With the detail, for event lists: `r2 down (connect error)`. */
  text: string
}

export function markerKind(e: TimelineEvent): MarkerKind {
  const k = e.kind.toLowerCase()
  if (k.startsWith('fault')) return 'fault'
  if (k.startsWith('phase')) return 'phase'
  return 'health'
}

const VERBS: Record<string, string> = {exit: 'exited', crash: 'crashed', ready: 'ready', down: 'down', up: 'up', end: 'ended', result: 'command'}

/**
 * A short label: `kill r2`, `slow r3 +200ms for 4s`, `r2 down`, `r2 ready`, `warmup start`.
 * The run names the fault in `detail` and the replica in `target`; a state change's kind says what happened.
 */
export function markerLabel(e: TimelineEvent): string {
  const detail = e.detail.trim()
  const kind = markerKind(e)
  if (kind === 'phase') return `${detail} ${e.kind.replace(/^phase[-_ ]?/i, '') || 'phase'}`.trim()
  if (kind === 'fault') {
    if (!e.target || detail.includes(e.target)) return detail || `${e.kind} ${e.target ?? ''}`.trim()
    const [first, ...rest] = detail.split(' ')
    return [first, e.target, ...rest].join(' ').trim()
  }
  if (!e.target) return detail ? `${e.kind}: ${detail}` : e.kind
  const last = e.kind.split(/[-_ ]/).pop() ?? e.kind
  return `${e.target} ${VERBS[last] ?? e.kind}`
}

/** The long form, for event lists: the short label and, when it adds something, the detail. */
export function markerText(e: TimelineEvent): string {
  const label = markerLabel(e)
  const detail = e.detail.trim()
  return detail && !label.includes(detail) ? `${label} (${detail})` : label
}

/** Faults and health changes in time order; phase boundaries only when asked for. */
export function markers(report: Pick<Report, 'timeline'>, withPhases = false): Marker[] {
  return report.timeline
    .map((e) => ({atMs: e.atMs, kind: markerKind(e), label: markerLabel(e), text: markerText(e)}))
    .filter((m) => withPhases || m.kind !== 'phase')
    .sort((a, b) => a.atMs - b.atMs)
}

/** The markers that fall in the second starting at tMs. */
export function markersIn(all: Marker[], tMs: number, lengthMs = 1000): Marker[] {
  return all.filter((m) => m.atMs >= tMs && m.atMs < tMs + lengthMs)
}
