// The scenario keys that only some kinds of a seam take (`replicas.command`, `replicas.ports`,
// `balancer.url`), made into schema fields from the kinds' descriptors: each kind says what its keys mean
// and what their values look like, and a key several kinds take is described once, naming them all.
// Which kind a given key is refused for is validate.ts's to say.

import {z} from 'zod'
import type {KindOption, OptionForms} from '../model/kind.js'

type KindWithOptions = {name: string; options?: Readonly<Record<string, KindOption>>}

/** The keys of a seam's kinds that some kinds take and others do not, with the kinds that take each. */
export function kindOptionsOf(kinds: readonly KindWithOptions[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const kind of kinds) for (const key of Object.keys(kind.options ?? {})) out.set(key, [...(out.get(key) ?? []), kind.name])
  return out
}

/** Each of those keys, optional, as its first kind describes it (a text unless the kind gives a schema). */
export function kindOptionShape(kinds: readonly KindWithOptions[], options: Map<string, string[]>, forms: OptionForms) {
  const shape: Record<string, z.ZodOptional<z.ZodType>> = {}
  for (const [key, names] of options) {
    const option = kinds.find((k) => k.name === names[0])!.options![key]
    const schema = typeof option.schema === 'function' ? option.schema(forms) : option.schema
    shape[key] = (schema ?? z.string().min(1)).optional().describe(`${names.join(', ')}: ${option.what}`)
  }
  return shape
}

