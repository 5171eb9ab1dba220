// The Backends table's columns that only some runs have, said once for every format (terminal, Markdown,
// HTML) so that they carry the same headings and units: attempts (when the balancer counts its tries),
// connections (the cluster balancer, and every balancer in mode tcp) and the bytes a balancer in mode tcp
// forwarded each way. A column shows when any backend has its figure; a backend without it shows `–`.

import type {BackendReport, Report} from '../model/report.js'
import {bytes, count} from './format.js'

export interface BackendColumn {
  head: string
  cell: (b: BackendReport) => string
}

/** Each optional column: its heading and a backend's cell, undefined where the backend has no figure. */
const columns: Array<{head: string; value(b: BackendReport): string | undefined}> = [
  {head: 'attempts', value: (b) => (b.attempts === undefined ? undefined : count(b.attempts))},
  // The cluster balancer balances connections, not requests: show both.
  {head: 'connections', value: (b) => (b.connections === undefined ? undefined : count(b.connections))},
  // Mode tcp: the bytes the balancer forwarded to each backend and back.
  {head: 'bytes to / from', value: (b) => (b.bytes === undefined ? undefined : `${bytes(b.bytes.toBackend)} / ${bytes(b.bytes.fromBackend)}`)},
]

/** The optional columns this report's Backends table has, in their order (after errors, before p50). */
export function backendColumns(r: Report): BackendColumn[] {
  return columns.filter((c) => r.backends.some((b) => c.value(b) !== undefined)).map((c) => ({head: c.head, cell: (b) => c.value(b) ?? '–'}))
}
