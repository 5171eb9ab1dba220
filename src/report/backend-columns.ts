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

const columns: Array<BackendColumn & {has(b: BackendReport): boolean}> = [
  {head: 'attempts', has: (b) => b.attempts !== undefined, cell: (b) => (b.attempts === undefined ? '–' : count(b.attempts))},
  // The cluster balancer balances connections, not requests: show both.
  {head: 'connections', has: (b) => b.connections !== undefined, cell: (b) => (b.connections === undefined ? '–' : count(b.connections))},
  // Mode tcp: the bytes the balancer forwarded to each backend and back.
  {head: 'bytes to / from', has: (b) => b.bytes !== undefined, cell: (b) => (b.bytes === undefined ? '–' : `${bytes(b.bytes.toBackend)} / ${bytes(b.bytes.fromBackend)}`)},
]

/** The optional columns this report's Backends table has, in their order (after errors, before p50). */
export function backendColumns(r: Report): BackendColumn[] {
  return columns.filter((c) => r.backends.some((b) => c.has(b))).map((c) => ({head: c.head, cell: c.cell}))
}
