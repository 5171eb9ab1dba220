// zod's issues in plain words. zod says `Invalid input: expected int, received number`; a user editing a
// YAML file needs `expected a whole number, got 2.5`. The error map translates each issue as zod raises
// it (it still sees the schema and the input); problemsFromIssues then splits and unwraps what zod
// groups: one problem per unknown key, pointing at the key, and the issues of the union branch the
// input was meant for instead of "no branch matched".

import type {z} from 'zod'
import {closest} from './did-you-mean.js'
import {plural} from '../model/plural.js'

export type PathKey = string | number

export interface PathProblem {
  path: PathKey[]
  message: string
  /** Point at the key of the field (an unknown key) rather than its value. */
  atKey?: boolean
  /** Characters into the value's text (a token inside a threshold expression). */
  offset?: number
}

const typeWords: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
}

/** Text as a message quotes it: on one line, and not endless. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}

/** A value as a message shows it. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'an empty value'
  if (typeof v === 'string') return `the text ${quote(v)}`
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'not-a-number (.nan)'
    if (!Number.isFinite(v)) return 'a number too large to use'
    return String(v)
  }
  if (typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'bigint' || typeof v === 'symbol') return String(v)
  return 'a function' // what is left, and YAML does not produce one
}

/** The per-parse error map: a plain message for every issue a schema did not word itself. */
export const plainMessage: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      const expected = typeWords[iss.expected] ?? iss.expected
      if (iss.input === undefined) return `is missing; expected ${expected}`
      return `expected ${expected}, got ${describeValue(iss.input)}`
    }
    case 'too_small': {
      const min = Number(iss.minimum)
      if (iss.origin === 'array') return `must have at least ${plural(min, 'item')}`
      if (iss.origin === 'string') return min === 1 ? 'must not be empty' : `must have at least ${plural(min, 'character')}`
      return `${iss.inclusive ? 'must be at least' : 'must be greater than'} ${min}; got ${describeValue(iss.input)}`
    }
    case 'too_big': {
      const max = Number(iss.maximum)
      if (iss.origin === 'array') return `must have at most ${plural(max, 'item')}`
      if (iss.origin === 'string') return `must have at most ${plural(max, 'character')}`
      return `${iss.inclusive ? 'must be at most' : 'must be less than'} ${max}; got ${describeValue(iss.input)}`
    }
    case 'invalid_value': {
      const options = iss.values.map(String)
      const guess = typeof iss.input === 'string' ? closest(iss.input, options) : undefined
      const got = typeof iss.input === 'string' ? quote(iss.input) : describeValue(iss.input)
      return `expected one of ${options.join(', ')}; got ${got}${guess ? ` (did you mean ${guess}?)` : ''}`
    }
    case 'unrecognized_keys': {
      // problemsFromIssues words the message per key; it reads the known keys from here.
      const shape = (iss.inst as {_zod?: {def?: {shape?: Record<string, unknown>}}} | undefined)?._zod?.def?.shape
      return `known keys: ${Object.keys(shape ?? {}).join(', ')}`
    }
    case 'invalid_key':
      return iss.issues[0]?.message ?? 'is not an accepted key here'
    case 'invalid_union':
      return 'is not in any of the accepted forms'
    case 'invalid_format':
      return `does not have the expected form${iss.format === 'regex' && 'pattern' in iss ? ` (${String(iss.pattern)})` : ''}`
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)}`
    default:
      return undefined
  }
}

/** One problem per thing to fix, each with the full path of the field. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], prefix: PathKey[] = []): PathProblem[] {
  const out: PathProblem[] = []
  for (const iss of issues) {
    const path = [...prefix, ...(iss.path as PathKey[])]
    if (iss.code === 'invalid_union') {
      // The branch whose own type the input had (a mapping for the distribution form, text for a
      // duration) says what is wrong with it; "matches no form" would not.
      const meant = iss.errors.find((b) => b.length > 0 && b.every((i) => !(i.code === 'invalid_type' && i.path.length === 0)))
      if (meant) out.push(...problemsFromIssues(meant, path))
      else out.push({path, message: iss.message})
    } else if (iss.code === 'unrecognized_keys') {
      const known = iss.message.replace(/^known keys: /, '').split(', ').filter(Boolean)
      for (const key of iss.keys) {
        const guess = closest(key, known)
        out.push({
          path: [...path, key],
          atKey: true,
          message: `unknown key${guess ? ` (did you mean ${guess}?)` : ''}; expected one of ${known.join(', ')}`,
        })
      }
    } else if (iss.code === 'invalid_key') out.push({path, atKey: true, message: iss.message})
    else if (iss.code === 'custom' && typeof iss.params?.offset === 'number') out.push({path, message: iss.message, offset: iss.params.offset})
    else out.push({path, message: iss.message})
  }
  const seen = new Set<string>()
  return out.filter((p) => {
    const k = `${p.path.join('.')}\0${p.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
