// What the schema cannot see field by field: replica ids against the count, what each replica kind,
// strategy and fault action requires (read from their registries), kinds that must go together, fault
// times against the phases, threshold phases and backends. The schema has already resolved every field
// (schema.ts); this adds the faults' targets and lines and the parsed thresholds, or returns the list of
// problems with the path of each field (load.ts turns paths into file:line:col).

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
  const kindProblems = checkKindSupport(scenario)
  return kindProblems.length > 0 ? {problems: kindProblems} : {scenario}
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
function fromKind(p: KindProblem & {atKey?: boolean}): PathProblem {
  const path = p.path.split('.').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k))
  return {path, message: p.message, ...(p.atKey ? {atKey: true} : {})}
}

/** Overrides name existing replicas; the kind gets what it requires, and no key another kind takes. */
function checkReplicas({replicas: r}: ScenarioFile, ids: ReplicaIds, problem: Problem): void {
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

/** Balancer kinds that go with one replica kind or take no strategy; the hash key a strategy needs, or not. */
function checkBalancer({balancer: b, replicas: r}: ScenarioFile, problem: Problem): void {
  if (b.kind === 'cluster' && r.kind !== 'cluster') {
    problem(['balancer', 'kind'], `the cluster balancer is Node's cluster module: it needs replicas.kind cluster, not ${r.kind}`)
  }
  if ((b.kind === 'cluster' || b.kind === 'none') && b.strategy !== 'round-robin') {
    const why = b.kind === 'cluster' ? 'the cluster balancer schedules with schedulingPolicy (rr or none)' : 'balancer kind none sends the load straight to the replicas'
    problem(['balancer', 'strategy'], `does not apply: ${why}`)
  }
  // Shared state is between the built-in proxy's workers: with one process (or another balancer) there is
  // nothing to share with, and a scenario that asks for it would promise what the run does not do.
  if (b.sharedState && b.kind !== 'builtin') {
    problem(['balancer', 'sharedState'], `applies to the built-in proxy's workers only (balancer.kind builtin with workers > 1); balancer.kind is ${b.kind}`, {atKey: true})
  } else if (b.sharedState && b.workers === 1) {
    problem(['balancer', 'sharedState'], 'needs balancer.workers 2 or more: a single proxy process has no other to share its state with; workers is 1', {atKey: true})
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
  if (t === 'random' && !ids.exists('r1')) problem(path, 'random picks one of the replicas, and none are listed (replicas.count is 0)')
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

/** What each balancer and replica kind can do with the scenario is its own to say (balancers/kinds/, replicas/kinds/). */
function checkKindSupport(scenario: Scenario): PathProblem[] {
  const balancer = balancerKinds.get(scenario.balancer.kind)?.check(scenario) ?? []
  const replicas = replicaKinds.get(scenario.replicas.kind)?.checkScenario?.(scenario) ?? []
  return [...balancer, ...replicas].map(fromKind)
}
