// What the schema cannot see field by field: replica ids against the count, what each replica kind,
// strategy and fault action requires (read from their registries), kinds that must go together, fault
// times against the phases, threshold phases and backends. The schema has already resolved every field
// (schema.ts); this adds the faults' targets and lines and the parsed thresholds, or returns the list of
// problems with the path of each field (load.ts turns paths into file:line:col). It works on the parts
// of a scenario: when one part did not parse, the checks that need it do not run (and the problems say
// so), and every check that needs only parts that did parse still runs.

import {balancerKinds} from '../balancers/registry.js'
import {faultFields, type FaultField, type FaultKind} from '../faults/action.js'
import {faultKinds} from '../faults/registry.js'
import {backendMetricOf} from '../metrics/catalogue.js'
import type {KindProblem} from '../model/kind.js'
import type {BalancerSpec, FaultSpec, FaultTarget, PhaseSpec, ReplicasSpec, Scenario, ThresholdSpec} from '../model/scenario.js'
import {strategyKinds} from '../proxy/strategies/registry.js'
import {replicaKinds} from '../replicas/registry.js'
import {closest} from './did-you-mean.js'
import {formatDuration} from './duration.js'
import {quote, type PathKey, type PathProblem} from './issues.js'
import {balancerKindOptions, replicaId, replicaKindOptions, type ScenarioFile} from './schema.js'
import {parseThreshold, windowProblem} from './threshold.js'

/** Where things are in the file, for FaultSpec.line. */
export type LineOf = (path: PathKey[]) => number | undefined

type Problem = (path: PathKey[], message: string, extra?: Partial<PathProblem>) => void

/** The replicas r1 … rN a scenario has, for the fields that name one. */
interface ReplicaIds {
  exists(id: string): boolean
  /** `replica r5 does not exist: replicas.count is 3 (r1, r2, r3)` */
  missing(id: string): string
}

/** The measured part of the load, which faults must fall in and thresholds may name. */
interface MeasuredLoad {
  phases: PhaseTime[]
  phaseIndex: Map<string, number>
  /** The load clock's end: the measured phases' total, from the first measured one; undefined when none is. */
  end?: number
}

/** What the checks read of a phase. */
export type PhaseTime = Pick<PhaseSpec, 'name' | 'duration' | 'measure'>

/** A fault as the schema resolved it, before its target is checked. */
type FileFault = ScenarioFile['faults'][number]

/**
 * The parts of a scenario the checks read, each as the schema resolved it; undefined where it did not
 * parse (parts.ts). `count` is replicas.count on its own, so ids can be checked when another replicas field is wrong.
 */
export interface ScenarioParts {
  replicas?: ReplicasSpec
  count?: number
  balancer?: BalancerSpec
  phases?: PhaseTime[]
  faults: Array<FileFault | undefined>
  thresholds: Array<string | undefined>
  /** load.generators.on swarm. */
  generatorsOn?: 'swarm'
}

/** The problems the checks found; `incomplete` when a check did not run because a part it needs did not parse. */
export interface PartProblems {
  problems: PathProblem[]
  incomplete: boolean
}

/** A file that passed the schema as a whole: the resolved scenario, or what the checks found. */
export function resolveScenario(file: ScenarioFile, lineOf: LineOf = () => undefined): {scenario: Scenario} | PartProblems {
  const parts = {replicas: file.replicas, count: file.replicas.count, balancer: file.balancer, phases: file.load.phases, faults: file.faults, thresholds: file.thresholds, generatorsOn: file.load.generatorsOn}
  const {faults, thresholds, ...checked} = checkParts(parts, lineOf)
  if (checked.problems.length > 0) return checked
  // Without a problem every fault and threshold resolved.
  return {scenario: {...file, faults: faults as FaultSpec[], thresholds: thresholds as ThresholdSpec[]}}
}

/** Every check whose parts parsed; the resolved faults and thresholds (undefined where one has a problem or did not parse). */
export function checkParts(parts: ScenarioParts, lineOf: LineOf = () => undefined): PartProblems & {faults: Array<FaultSpec | undefined>; thresholds: Array<ThresholdSpec | undefined>} {
  const problems: PathProblem[] = []
  const problem: Problem = (path, message, extra = {}) => problems.push({path, message, ...extra})
  const {replicas, balancer, phases} = parts
  const ids = parts.count === undefined ? undefined : replicaIdsOf(parts.count)
  if (replicas && ids) checkReplicas(replicas, ids, problem)
  if (balancer) checkBalancer(balancer, replicas, problem)
  if (parts.generatorsOn === 'swarm' && balancer?.kind === 'none') {
    problem(['load', 'generators', 'on'], 'swarm shards send to one balancer; balancer.kind none spreads the load over the replicas itself: use a balancer, or on: local')
  }
  if (balancer && replicas) for (const p of checkBalancerSupport(balancer, replicas)) problem(p.path, p.message, p)
  if (replicas) for (const p of checkReplicaFaults(replicas, parts.faults)) problem(p.path, p.message, p)
  const measured = phases && checkLoad(phases, problem)
  const faults = parts.faults.map((f, i) => f && resolveFault(f, i, {ids, measured, lineOf, problem}))
  const thresholds = parts.thresholds.map((t, i) => (t === undefined ? undefined : resolveThreshold(t, i, {ids, measured, problem})))
  // A part missing is a check not run; it is missing because the schema found a problem in it.
  const incomplete = !replicas || !balancer || !phases || parts.faults.includes(undefined) || parts.thresholds.includes(undefined)
  return {problems, incomplete, faults, thresholds}
}

function replicaIdsOf(count: number): ReplicaIds {
  const ids = Array.from({length: count}, (_, i) => `r${i + 1}`)
  const range = count <= 3 ? ids.join(', ') : `r1 … r${count}`
  return {
    exists: (id) => ids.includes(id),
    missing: (id) => `replica ${id} does not exist: ${count === 0 ? 'no replicas are listed (replicas.count is 0)' : `replicas.count is ${count} (${range})`}`,
  }
}

/** A kind's problem (a dotted path) as a problem of the file. */
function fromKind(p: KindProblem): PathProblem {
  const path = p.path.split('.').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k))
  return {path, message: p.message, ...(p.atKey ? {atKey: true} : {})}
}

/** Overrides name existing replicas; the kind gets what it requires, and no key another kind takes. */
function checkReplicas(r: ReplicasSpec, ids: ReplicaIds, problem: Problem): void {
  for (const id of Object.keys(r.overrides)) if (!ids.exists(id)) problem(['replicas', 'overrides', id], ids.missing(id), {atKey: true})
  for (const p of replicaKinds.get(r.kind)!.check(r).map(fromKind)) problem(p.path, p.message, p)
  foreignKeys('replicas', r, replicaKindOptions, problem)
}

/** A key only other kinds of the section take (`replicas.command` for docker, `balancer.url` for nginx). */
function foreignKeys(section: 'replicas' | 'balancer', given: {kind: string}, options: Map<string, string[]>, problem: Problem): void {
  for (const [key, kinds] of options) {
    if (!kinds.includes(given.kind) && (given as Record<string, unknown>)[key] !== undefined) {
      const kindsText = kinds.length > 2 ? `${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}` : kinds.join(' or ')
      const what = section === 'replicas' ? 'replicas' : 'balancers'
      problem([section, key], `applies to ${kindsText} ${what} only; ${section}.kind is ${given.kind}`, {atKey: true})
    }
  }
}

/** What the kind finds in its sections, no key another kind owns; the hash key a strategy needs, or not. */
function checkBalancer(b: BalancerSpec, replicas: ReplicasSpec | undefined, problem: Problem): void {
  for (const p of (balancerKinds.get(b.kind)!.checkSections?.(b, replicas) ?? []).map(fromKind)) problem(p.path, p.message, p)
  for (const owner of balancerKinds.all) {
    if (owner.name === b.kind) continue
    for (const [key, whom] of Object.entries(owner.ownKeys ?? {})) {
      if (b[key as keyof typeof b] !== undefined) problem(['balancer', key], `applies to ${whom}; balancer.kind is ${b.kind}`, {atKey: true})
    }
  }
  foreignKeys('balancer', b, balancerKindOptions, problem)
  const needsKey = strategyKinds.get(b.strategy)!.needsHashKey
  if (needsKey && b.hashKey === undefined) {
    problem(['balancer', 'hashKey'], `is missing; strategy ${b.strategy} chooses by a key: ip, path or header:NAME`)
  }
  if (!needsKey && b.hashKey !== undefined) {
    const hashStrategies = strategyKinds.all.filter((s) => s.needsHashKey).map((s) => s.name)
    problem(['balancer', 'hashKey'], `applies only to the hash strategies (${hashStrategies.join(', ')}); strategy is ${b.strategy}`, {atKey: true})
  }
}

/** Phase names are unique and one phase at least is measured. */
function checkLoad(phases: PhaseTime[], problem: Problem): MeasuredLoad {
  const phaseIndex = new Map<string, number>()
  phases.forEach((p, i) => {
    const first = phaseIndex.get(p.name)
    if (first !== undefined) problem(['load', 'phases', i, 'name'], `duplicate phase name "${p.name}" (load.phases.${first} has it too)`)
    else phaseIndex.set(p.name, i)
  })
  const firstMeasured = phases.findIndex((p) => p.measure)
  const lastMeasured = phases.findLastIndex((p) => p.measure)
  if (firstMeasured < 0) {
    problem(['load', 'phases'], 'no phase is measured: at least one phase needs measure: true (the default)')
    return {phases, phaseIndex}
  }
  // The load clock starts with the first measured phase; faults must happen, and end, while it is measured.
  return {phases, phaseIndex, end: phases.slice(firstMeasured, lastMeasured + 1).reduce((sum, p) => sum + p.duration, 0)}
}

/** What the faults are checked against: the replica ids and the measured load, where they parsed. */
interface FaultSection {
  ids?: ReplicaIds
  measured?: MeasuredLoad
  lineOf: LineOf
  problem: Problem
}

/** A fault with the fields its action takes and requires, its targets checked, inside the measured load. */
function resolveFault(f: FileFault, i: number, ctx: FaultSection): FaultSpec {
  const {problem, measured} = ctx
  const at = ['faults', i]
  const kind = faultKinds.get(f.action)!
  for (const k of faultFields) {
    if (f[k] !== undefined && !kind.accepts.includes(k)) {
      problem([...at, k], `does not apply to ${f.action}; ${f.action} takes ${['at', 'action', ...kind.accepts].join(', ')}`, {atKey: true})
    }
  }
  for (const k of kind.requires) if (f[k] === undefined) problem([...at, k], `is missing; ${requiredWhy(kind, k)}`)
  const target = f.target !== undefined && kind.needsTarget ? faultTarget(f.target, [...at, 'target'], ctx) : undefined
  const line = ctx.lineOf(at)
  if (measured?.end !== undefined) {
    if (f.at >= measured.end) {
      problem([...at, 'at'], `${formatDuration(f.at)} is not before the end of the measured load at ${formatDuration(measured.end)} (the measured phases' total)`)
    } else if (f.for !== undefined && kind.accepts.includes('for') && f.at + f.for > measured.end) {
      const ends = formatDuration(f.at + f.for)
      problem([...at, 'for'], `the fault would end at ${ends} (at + for), after the measured load ends at ${formatDuration(measured.end)}`)
    }
  }
  // The target replaced where it stands, so the resolved fault lists its fields in the file format's order.
  const fault: FaultSpec = {...f, target}
  if (target === undefined) delete fault.target
  if (line !== undefined) fault.line = line
  return fault
}

function requiredWhy(kind: FaultKind, field: FaultField): string {
  const why = kind.why?.[field]
  if (why !== undefined) return why
  if (field === 'target') return `${kind.name} acts on replicas: give target: r2, a list like [r1, r3], or random`
  return `a ${kind.name} fault needs ${field}`
}

function faultTarget(t: string | string[], path: PathKey[], {ids, problem}: FaultSection): FaultTarget | undefined {
  if (t === 'random' && ids && !ids.exists('r1')) problem(path, 'random picks one of the replicas, and none are listed (replicas.count is 0)')
  if (t === 'random') return 'random'
  const list = typeof t === 'string' ? [t] : t
  let ok = true
  list.forEach((id, j) => {
    const where = typeof t === 'string' ? path : [...path, j]
    const wrong = (message: string) => {
      problem(where, message)
      ok = false
    }
    if (id === 'random') wrong('random picks one replica by itself: write target: random, not in a list')
    else if (!replicaId.test(id)) wrong(`expected a replica id like r2, a list like [r1, r3], or random; got ${quote(id)}`)
    else if (ids && !ids.exists(id)) wrong(ids.missing(id))
    else if (list.indexOf(id) !== j) wrong(`${id} is listed twice`)
  })
  return ok ? list : undefined
}

/** What the thresholds are checked against: the replica ids and the measured load, where they parsed. */
interface ThresholdSection {
  ids?: ReplicaIds
  measured?: MeasuredLoad
  problem: Problem
}

/** A threshold parsed, naming a measured phase and an existing backend; undefined when it has a problem. */
function resolveThreshold(expr: string, i: number, {ids, measured, problem}: ThresholdSection): ThresholdSpec | undefined {
  const path = ['thresholds', i]
  const parsed = parseThreshold(expr)
  if ('error' in parsed) return void problem(path, parsed.error, {offset: parsed.offset})
  const t = parsed.spec
  const offsetOf = (token: string) => Math.max(0, expr.indexOf(token))
  if (measured && t.phase !== undefined) {
    const p = measured.phaseIndex.get(t.phase)
    if (p === undefined) {
      const names = [...measured.phaseIndex.keys()]
      const guess = closest(t.phase, names)
      const message = `no phase is named "${t.phase}"${guess ? ` (did you mean ${guess}?)` : ''}; the phases are ${names.join(', ')}`
      return void problem(path, message, {offset: offsetOf('[')})
    }
    if (!measured.phases[p].measure) return void problem(path, `phase "${t.phase}" is not measured (measure: false), so it has no numbers`, {offset: offsetOf('[')})
  }
  const tooLong = measured && windowProblem(t, measured.phases)
  if (tooLong) return void problem(path, tooLong, {offset: parsed.windowAt})
  const backend = backendMetricOf(t.metric)
  if (backend && ids && !ids.exists(backend.id)) return void problem(path, ids.missing(backend.id), {offset: offsetOf(t.metric)})
  return t
}

/** What each balancer kind can do is its own to say (balancers/kinds/). */
function checkBalancerSupport(balancer: BalancerSpec, replicas: ReplicasSpec): PathProblem[] {
  return (balancerKinds.get(balancer.kind)?.check({balancer, replicas}) ?? []).map(fromKind)
}

/** What the replica kind can do with the faults is its own to say (replicas/kinds/: external replicas only what replicas.actions defines). */
function checkReplicaFaults(replicas: ReplicasSpec, faults: ScenarioParts['faults']): PathProblem[] {
  const onlyFor = faults.flatMap((f, i) => {
    const kinds = f && faultKinds.get(f.action)?.replicaKinds
    if (!f || !kinds || kinds.includes(replicas.kind)) return []
    return [{path: ['faults', i, 'action'], message: `${f.action} acts on a ${kinds.join(' or ')} service, and only ${kinds.join(' or ')} replicas have one; replicas.kind is ${replicas.kind}`}]
  })
  return [...onlyFor, ...(replicaKinds.get(replicas.kind)?.checkFaults?.(replicas, faults) ?? []).map(fromKind)]
}
