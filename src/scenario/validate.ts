// What the schema cannot see field by field: replica ids against the count, what each replica kind,
// balancer kind, strategy and fault action requires (each says it of itself; read from their
// registries), fault times against the phases, threshold phases and backends. The schema has already
// resolved every field (schema.ts); this adds the faults' targets and lines and the parsed thresholds, or
// returns the list of problems with the path of each field (load.ts turns paths into file:line:col).

import {balancerKinds} from '../balancers/registry.js'
import {faultFields, type FaultField, type FaultKind} from '../faults/action.js'
import {faultKinds} from '../faults/registry.js'
import {backendMetricOf} from '../metrics/catalogue.js'
import type {KindProblem} from '../model/kind.js'
import type {FaultSpec, FaultTarget, PhaseSpec, Scenario, ThresholdSpec} from '../model/scenario.js'
import {strategyKinds} from '../proxy/strategies/registry.js'
import {replicaKinds} from '../replicas/registry.js'
import {closest} from './did-you-mean.js'
import {formatDuration} from './duration.js'
import {quote, type PathKey, type PathProblem} from './issues.js'
import {replicaId, replicaKindOptions, type ScenarioFile} from './schema.js'
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
  phaseIndex: Map<string, number>
  /** The load clock's end: the measured phases' total, from the first measured one; undefined when none is. */
  end?: number
}

export function resolveScenario(file: ScenarioFile, lineOf: LineOf = () => undefined): {scenario: Scenario} | {problems: PathProblem[]} {
  const problems: PathProblem[] = []
  const problem: Problem = (path, message, extra = {}) => problems.push({path, message, ...extra})
  const ids = replicaIdsOf(file.replicas.count)

  checkReplicas(file, ids, problem)
  checkBalancer(file, problem)
  const measured = checkLoad(file.load.phases, problem)
  const faults = resolveFaults(file.faults, {ids, measured, lineOf, problem})
  const thresholds = resolveThresholds(file.thresholds, {ids, phases: file.load.phases, measured, problem})
  if (problems.length > 0) return {problems}
  const scenario: Scenario = {...file, faults, thresholds}
  const balancerProblems = checkBalancerSupport(scenario)
  return balancerProblems.length > 0 ? {problems: balancerProblems} : {scenario}
}

function replicaIdsOf(count: number): ReplicaIds {
  const ids = Array.from({length: count}, (_, i) => `r${i + 1}`)
  const range = count <= 3 ? ids.join(', ') : `r1 … r${count}`
  return {exists: (id) => ids.includes(id), missing: (id) => `replica ${id} does not exist: replicas.count is ${count} (${range})`}
}

/** A kind's problem (a dotted path) as a problem of the file. */
function fromKind(p: KindProblem): PathProblem {
  const path = p.path.split('.').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k))
  return {path, message: p.message, ...(p.atKey ? {atKey: true} : {})}
}

/** Overrides name existing replicas; the kind gets what it requires, and no key another kind takes. */
function checkReplicas({replicas: r}: ScenarioFile, ids: ReplicaIds, problem: Problem): void {
  for (const id of Object.keys(r.overrides)) if (!ids.exists(id)) problem(['replicas', 'overrides', id], ids.missing(id), {atKey: true})
  for (const p of replicaKinds.get(r.kind)!.check(r).map(fromKind)) problem(p.path, p.message, p)
  const given = new Map(Object.entries(r))
  for (const [key, kinds] of replicaKindOptions) {
    if (!kinds.includes(r.kind) && given.get(key) !== undefined) {
      problem(['replicas', key], `applies to ${kinds.join(' or ')} replicas only; replicas.kind is ${r.kind}`, {atKey: true})
    }
  }
}

/** What the kind finds in its sections, no key another kind owns; the hash key a strategy needs, or not. */
function checkBalancer({balancer: b, replicas: r}: ScenarioFile, problem: Problem): void {
  for (const p of (balancerKinds.get(b.kind)!.checkSections?.(b, r) ?? []).map(fromKind)) problem(p.path, p.message, p)
  for (const owner of balancerKinds.all) {
    if (owner.name === b.kind) continue
    for (const [key, whom] of Object.entries(owner.ownKeys ?? {})) {
      if (b[key as keyof typeof b] !== undefined) problem(['balancer', key], `applies to ${whom}; balancer.kind is ${b.kind}`, {atKey: true})
    }
  }
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
function checkLoad(phases: PhaseSpec[], problem: Problem): MeasuredLoad {
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
    return {phaseIndex}
  }
  // The load clock starts with the first measured phase; faults must happen, and end, while it is measured.
  return {phaseIndex, end: phases.slice(firstMeasured, lastMeasured + 1).reduce((sum, p) => sum + p.duration, 0)}
}

/** What the faults are checked against. */
interface FaultSection {
  ids: ReplicaIds
  measured: MeasuredLoad
  lineOf: LineOf
  problem: Problem
}

/** Each fault with the fields its action takes and requires, its targets checked, inside the measured load. */
function resolveFaults(faults: ScenarioFile['faults'], ctx: FaultSection): FaultSpec[] {
  const {problem, measured} = ctx
  return faults.map((f, i) => {
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
    if (measured.end !== undefined) {
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
  })
}

function requiredWhy(kind: FaultKind, field: FaultField): string {
  const why = kind.why?.[field]
  if (why !== undefined) return why
  if (field === 'target') return `${kind.name} acts on replicas: give target: r2, a list like [r1, r3], or random`
  return `a ${kind.name} fault needs ${field}`
}

function faultTarget(t: string | string[], path: PathKey[], {ids, problem}: FaultSection): FaultTarget | undefined {
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
    else if (!ids.exists(id)) wrong(ids.missing(id))
    else if (list.indexOf(id) !== j) wrong(`${id} is listed twice`)
  })
  return ok ? list : undefined
}

/** What the thresholds are checked against. */
interface ThresholdSection {
  ids: ReplicaIds
  phases: PhaseSpec[]
  measured: MeasuredLoad
  problem: Problem
}

/** Each threshold parsed, naming a measured phase and an existing backend. */
function resolveThresholds(exprs: string[], {ids, phases, measured, problem}: ThresholdSection): ThresholdSpec[] {
  const thresholds: ThresholdSpec[] = []
  exprs.forEach((expr, i) => {
    const path = ['thresholds', i]
    const parsed = parseThreshold(expr)
    if ('error' in parsed) return problem(path, parsed.error, {offset: parsed.offset})
    const t = parsed.spec
    const offsetOf = (token: string) => Math.max(0, expr.indexOf(token))
    if (t.phase !== undefined) {
      const p = measured.phaseIndex.get(t.phase)
      if (p === undefined) {
        const names = [...measured.phaseIndex.keys()]
        const guess = closest(t.phase, names)
        const message = `no phase is named "${t.phase}"${guess ? ` (did you mean ${guess}?)` : ''}; the phases are ${names.join(', ')}`
        return problem(path, message, {offset: offsetOf('[')})
      }
      if (!phases[p].measure) return problem(path, `phase "${t.phase}" is not measured (measure: false), so it has no numbers`, {offset: offsetOf('[')})
    }
    const tooLong = windowProblem(t, phases)
    if (tooLong) return problem(path, tooLong, {offset: parsed.windowAt})
    const backend = backendMetricOf(t.metric)
    if (backend && !ids.exists(backend.id)) return problem(path, ids.missing(backend.id), {offset: offsetOf(t.metric)})
    thresholds.push(t)
  })
  return thresholds
}

/** What each balancer kind can do is its own to say (balancers/kinds/). */
function checkBalancerSupport(scenario: Scenario): PathProblem[] {
  return (balancerKinds.get(scenario.balancer.kind)?.check(scenario) ?? []).map(fromKind)
}
