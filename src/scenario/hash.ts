// The scenario hash: the same resolved scenario gives the same hash, whatever the comments, key order or
// spelling of defaults in its file. Comparisons against a baseline refuse a different hash.

import {createHash} from 'node:crypto'
import type {Scenario} from '../model/scenario.js'

export function scenarioHash(s: Scenario): string {
  // Where a fault stands in the file is not what it does.
  const faults = s.faults.map(({line: _line, ...f}) => f)
  return createHash('sha256').update(canonicalJson({...s, faults})).digest('hex')
}

/** JSON with sorted keys, so that key order does not matter. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object') {
    const entries = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`
  }
  return JSON.stringify(v)
}
