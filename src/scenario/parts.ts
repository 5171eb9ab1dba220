// When a scenario file as a whole does not pass the schema, its parts are parsed one by one, so that the
// checks across fields (validate.ts) still run on every part that is right: a typo in one fault must not
// hide that the next one names a replica that does not exist. The schema's own problems come from the
// whole file's parse (load.ts); here a part that does not parse is simply left out.

import {replicaKinds} from '../replicas/registry.js'
import {replicaCount, replicasOrDefault} from './replica-section.js'
import {limits, partSchemas} from './schema.js'
import type {ScenarioParts} from './validate.js'

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The parts of `data` (the file as YAML read it) that parse on their own. */
export function partsOf(data: unknown): ScenarioParts {
  if (!isMapping(data)) return {faults: [], thresholds: []}
  const parse = <T>(schema: {safeParse(v: unknown): {success: true; data: T} | {success: false}}, value: unknown): T | undefined => {
    const r = schema.safeParse(value)
    return r.success ? r.data : undefined
  }
  const section = replicasOrDefault(data.replicas, isMapping(data.balancer) ? (data.balancer.kind ?? 'builtin') : undefined)
  const replicas = isMapping(section) ? section : undefined
  const load = isMapping(data.load) ? data.load : undefined
  const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [undefined])
  const resolved = parse(partSchemas.replicas, section)
  return {
    replicas: resolved,
    count: resolved?.count ?? (replicas ? countAlone(replicas, parse(partSchemas.replicaCount, replicas.count)) : undefined),
    balancer: parse(partSchemas.balancer, data.balancer),
    phases: data.load === undefined || load ? parse(partSchemas.phases, load?.phases) : undefined,
    // A section that is not a list stands for one part that did not parse.
    faults: list(data.faults).map((f) => parse(partSchemas.fault, f)),
    thresholds: list(data.thresholds).map((t) => parse(partSchemas.threshold, t)),
    ...(isMapping(load?.generators) && load.generators.on === 'swarm' ? {generatorsOn: 'swarm' as const} : {}),
  }
}

/** replicas.count when another replicas field is wrong: the count given, else the kind's default or its list's length; undefined when the count or the kind is itself wrong. */
function countAlone(section: Record<string, unknown>, count: number | undefined): number | undefined {
  const kind = section.kind ?? 'cluster'
  if ((section.count !== undefined && count === undefined) || typeof kind !== 'string' || !replicaKinds.get(kind)) return undefined
  return replicaCount({...section, count, kind}, {addIssue: () => undefined}, limits.replicas)
}
