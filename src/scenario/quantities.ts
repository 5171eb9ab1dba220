// Percentages and sizes as scenario files write them (`20%`, `0.5%`, `0.2`, `64KiB`).

import {quote} from './issues.js'

/** A fraction 0..1 from `20%` or `0.2`; a message otherwise. */
export function tryParsePercentOrFraction(text: unknown): {value: number} | {error: string} {
  const hint = 'expected a percentage like 20% or a fraction from 0 to 1 like 0.2'
  let value: number
  if (typeof text === 'number') value = text
  else if (typeof text === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text)
    if (!m) return {error: `${hint}; got ${quote(text)}`}
    value = m[2] ? Number((Number(m[1]) / 100).toPrecision(12)) : Number(m[1])
  } else return {error: hint}
  if (!Number.isFinite(value) || value < 0 || value > 1) return {error: `${hint}; got ${JSON.stringify(text)}`}
  return {value}
}

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
}

/** Bytes from `65536`, `64KiB`, `1MB`; a message otherwise. */
export function tryParseSize(text: unknown): {bytes: number} | {error: string} {
  const hint = 'expected a size in bytes like 65536, 64KiB or 1MiB'
  if (typeof text === 'number') {
    return Number.isInteger(text) && text >= 0 ? {bytes: text} : {error: `${hint}; got ${text}`}
  }
  if (typeof text !== 'string') return {error: hint}
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  const unit = m ? sizeUnits[m[2].toLowerCase()] : undefined
  if (!m || unit === undefined) return {error: `${hint}; got ${quote(text)}`}
  return {bytes: Math.round(Number(m[1]) * unit)}
}

/** The size pattern, for the JSON Schema. */
export const sizePattern = '^\\s*\\d+(\\.\\d+)?\\s*([kKmMgG][iI]?[bB]|[bB])?\\s*$'
/** The percentage pattern, for the JSON Schema. */
export const percentPattern = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*%?\\s*$'
