// What every kind says of itself, whatever its seam: a strategy, a fault action, a replica kind, a balancer
// kind or a report format. Each kind is one descriptor in its own file; its seam's registry is the list of
// descriptors, and everything that needs a list of names, a check or a label reads it from there.

import type {z} from 'zod'

/** A problem a kind finds in a scenario: a dotted field path (`balancer.strategy`, `faults.2.latency`) and what is wrong. */
export interface KindProblem {
  path: string
  message: string
  /** The message points at the key rather than its value (a key that should not be there at all). */
  atKey?: boolean
}

/** A scenario key that only some kinds of a seam take (`replicas.command`, `balancer.url`): the schema and the JSON Schema are made from these. */
export interface KindOption {
  /** What it means, as the JSON Schema's description and the docs say it. */
  readonly what: string
  /** What its value looks like; absent = a text. A function gets the scenario's own forms (a duration with a unit). */
  readonly schema?: z.ZodType | ((forms: OptionForms) => z.ZodType)
  /** A value of that form, for the docs and the contract tests; needed with a schema. */
  readonly example?: unknown
}

/** Value forms the scenario format defines once, for a kind option's schema. */
export interface OptionForms {
  /** A duration with a unit (`500ms`, `5s`), as milliseconds. */
  duration(opts?: {positive?: boolean}): z.ZodType<number>
  /** An HTTP path starting with / (`/health`). */
  urlPath(): z.ZodType<string>
}

export interface KindDescriptor {
  /** The name a scenario or a flag uses for it. */
  readonly name: string
  /** One line that says what it is, for --help, the docs and the contract tests. */
  readonly summary: string
}

/** A seam's kinds in the order they are listed, with lookup by name. */
export interface Registry<K extends KindDescriptor> {
  readonly seam: string
  readonly all: readonly K[]
  readonly names: readonly K['name'][]
  get(name: string): K | undefined
}

export function registry<K extends KindDescriptor>(seam: string, kinds: readonly K[]): Registry<K> {
  const byName = new Map(kinds.map((k) => [k.name, k]))
  if (byName.size !== kinds.length) throw new Error(`${seam}: two kinds have the same name`)
  return {seam, all: kinds, names: kinds.map((k) => k.name), get: (name) => byName.get(name)}
}
