// What the schema cannot see field by field: replica ids against the count, replica and balancer kinds
// that must go together, fault times against the phases, threshold phases and backends. Turns the
// schema's output into the resolved Scenario (types.ts) with every default filled in, or the list of
// problems with the path of each field (load.ts turns paths into file:line:col).

import {balancerKinds} from '../balancers/registry.js'
import {defaultFailStatus, faultRules, type FaultField} from '../faults/names.js'
import {backendMetricOf} from '../metrics/catalogue.js'
import {hashStrategies} from '../proxy/strategies/names.js'
import {closest} from './did-you-mean.js'
import {formatDuration} from './duration.js'
import {quote, type PathKey, type PathProblem} from './issues.js'
import {replicaId, type ScenarioFile} from './schema.js'
import {parseThreshold, windowProblem} from './threshold.js'
import type {
  ActiveHealth,
  BalancerSpec,
  FaultSpec,
  FaultTarget,
  LatencySpec,
  PassiveHealth,
  PhaseSpec,
  ReplicaOverride,
  Scenario,
  ThresholdSpec,
} from '../model/scenario.js'

type FileLatency = ScenarioFile['replicas']['app']['latency']

/** Where things are in the file, for FaultSpec.line. */
export type LineOf = (path: PathKey[]) => number | undefined

export function resolveScenario(file: ScenarioFile, lineOf: LineOf = () => undefined): {scenario: Scenario} | {problems: PathProblem[]} {
  const problems: PathProblem[] = []
  const problem = (path: PathKey[], message: string, extra: Partial<PathProblem> = {}) => problems.push({path, message, ...extra})

  const count = file.replicas.count
  const ids = Array.from({length: count}, (_, i) => `r${i + 1}`)
  const idRange = count <= 3 ? ids.join(', ') : `r1 … r${count}`
  const exists = (id: string) => ids.includes(id)

  // Replicas
  const r = file.replicas
  const overrides: Record<string, ReplicaOverride> = {}
  for (const [id, o] of Object.entries(r.overrides)) {
    if (!exists(id)) problem(['replicas', 'overrides', id], `replica ${id} does not exist: replicas.count is ${count} (${idRange})`, {atKey: true})
    const out: ReplicaOverride = {}
    if (o.latency !== undefined) out.latency = latencySpec(o.latency)
    if (o.cpu !== undefined) out.cpu = o.cpu
    if (o.body !== undefined) out.body = o.body
    if (o.errorRate !== undefined) out.errorRate = o.errorRate
    if (o.weight !== undefined) out.weight = o.weight
    overrides[id] = out
  }
  const onlyFor = (key: 'command' | 'cwd' | 'image' | 'build', kinds: string) =>
    problem(['replicas', key], `applies to ${kinds} replicas only; replicas.kind is ${r.kind}`, {atKey: true})
  if (r.kind === 'process') {
    if (r.command === undefined) problem(['replicas', 'command'], 'is missing; process replicas run a command, like "node app.js" ($PORT and $REPLICA are set)')
    if (r.image !== undefined) onlyFor('image', 'docker')
    if (r.build !== undefined) onlyFor('build', 'docker')
  } else if (r.kind === 'docker') {
    if (r.image === undefined && r.build === undefined) problem(['replicas', 'image'], 'is missing; docker replicas need image (an image name) or build (a folder with a Dockerfile)')
    if (r.image !== undefined && r.build !== undefined) problem(['replicas', 'build'], 'give image or build, not both', {atKey: true})
    if (r.command !== undefined) onlyFor('command', 'process')
    if (r.cwd !== undefined) onlyFor('cwd', 'process')
  } else {
    for (const key of ['command', 'cwd'] as const) if (r[key] !== undefined) onlyFor(key, 'process')
    for (const key of ['image', 'build'] as const) if (r[key] !== undefined) onlyFor(key, 'docker')
  }

  // Balancer
  const b = file.balancer
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
  let hashKey = b.hashKey
  // ip-hash has one obvious key; the others hash whatever the user chooses.
  if (b.strategy === 'ip-hash' && hashKey === undefined) hashKey = 'ip'
  if (hashStrategies.has(b.strategy) && hashKey === undefined) {
    problem(['balancer', 'hashKey'], `is missing; strategy ${b.strategy} chooses by a key: ip, path or header:NAME`)
  }
  if (!hashStrategies.has(b.strategy) && hashKey !== undefined) {
    problem(['balancer', 'hashKey'], `applies only to the hash strategies (${[...hashStrategies].join(', ')}); strategy is ${b.strategy}`, {atKey: true})
  }
  const balancer: BalancerSpec = {
    kind: b.kind,
    strategy: b.strategy,
    ...(hashKey === undefined ? {} : {hashKey}),
    retries: b.retries,
    retryNonIdempotent: b.retryNonIdempotent,
    ...(b.retryBudget === undefined ? {} : {retryBudget: b.retryBudget}),
    retryBodyLimit: b.retryBodyLimit,
    timeout: b.timeout,
    health: health(b.kind, b.health),
    engine: b.engine,
    workers: b.workers,
    ...(b.sharedState ? {sharedState: true as const} : {}),
    schedulingPolicy: b.schedulingPolicy,
  }

  // Load
  const l = file.load
  const phaseIndex = new Map<string, number>()
  const phases: PhaseSpec[] = l.phases.map((p, i) => {
    const first = phaseIndex.get(p.name)
    if (first !== undefined) problem(['load', 'phases', i, 'name'], `duplicate phase name "${p.name}" (load.phases.${first} has it too)`)
    else phaseIndex.set(p.name, i)
    const phase: PhaseSpec = {name: p.name, duration: p.duration, measure: p.measure, connections: p.connections ?? l.connections}
    const rate = p.rate ?? l.rate
    if (rate !== undefined) phase.rate = rate
    return phase
  })
  const firstMeasured = phases.findIndex((p) => p.measure)
  const lastMeasured = phases.findLastIndex((p) => p.measure)
  // The load clock starts with the first measured phase; faults must happen, and end, while it is measured.
  const measuredEnd = firstMeasured < 0 ? 0 : phases.slice(firstMeasured, lastMeasured + 1).reduce((sum, p) => sum + p.duration, 0)
  if (firstMeasured < 0) problem(['load', 'phases'], 'no phase is measured: at least one phase needs measure: true (the default)')

  // Faults
  const faults: FaultSpec[] = file.faults.map((f, i) => {
    const at = ['faults', i]
    const rules = faultRules[f.action]
    const given: FaultField[] = (['target', 'for', 'latency', 'status', 'rate', 'command'] as const).filter((k) => f[k] !== undefined)
    for (const k of given) {
      if (!rules.accepts.includes(k)) {
        const takes = ['at', 'action', ...rules.accepts].join(', ')
        problem([...at, k], `does not apply to ${f.action}; ${f.action} takes ${takes}`, {atKey: true})
      }
    }
    for (const k of rules.requires) if (f[k] === undefined) problem([...at, k], `is missing; ${requiredWhy(f.action, k)}`)
    const fault: FaultSpec = {at: f.at, action: f.action}
    if (f.target !== undefined && rules.needsTarget) {
      const target = faultTarget(f.target, [...at, 'target'])
      if (target) fault.target = target
    }
    if (f.for !== undefined) fault.for = f.for
    if (f.latency !== undefined) fault.latency = f.latency
    if (f.action === 'fail') {
      fault.status = f.status ?? defaultFailStatus
      fault.rate = f.rate ?? 1
    }
    if (f.command !== undefined) fault.command = f.command
    const line = lineOf(at)
    if (line !== undefined) fault.line = line
    if (firstMeasured >= 0) {
      if (f.at >= measuredEnd) {
        problem([...at, 'at'], `${formatDuration(f.at)} is not before the end of the measured load at ${formatDuration(measuredEnd)} (the measured phases' total)`)
      } else if (f.for !== undefined && rules.accepts.includes('for') && f.at + f.for > measuredEnd) {
        const ends = formatDuration(f.at + f.for)
        problem([...at, 'for'], `the fault would end at ${ends} (at + for), after the measured load ends at ${formatDuration(measuredEnd)}`)
      }
    }
    return fault
  })

  function faultTarget(t: string | string[], path: PathKey[]): FaultTarget | undefined {
    if (t === 'random') return 'random'
    const list = typeof t === 'string' ? [t] : t
    let ok = true
    list.forEach((id, j) => {
      const where = typeof t === 'string' ? path : [...path, j]
      if (id === 'random') {
        problem(where, 'random picks one replica by itself: write target: random, not in a list')
        ok = false
      } else if (!replicaId.test(id)) {
        problem(where, `expected a replica id like r2, a list like [r1, r3], or random; got ${quote(id)}`)
        ok = false
      } else if (!exists(id)) {
        problem(where, `replica ${id} does not exist: replicas.count is ${count} (${idRange})`)
        ok = false
      } else if (list.indexOf(id) !== j) {
        problem(where, `${id} is listed twice`)
        ok = false
      }
    })
    return ok ? list : undefined
  }

  // Thresholds
  const thresholds: ThresholdSpec[] = []
  file.thresholds.forEach((expr, i) => {
    const path = ['thresholds', i]
    const parsed = parseThreshold(expr)
    if ('error' in parsed) return problem(path, parsed.error, {offset: parsed.offset})
    const t = parsed.spec
    const offsetOf = (token: string) => Math.max(0, expr.indexOf(token))
    if (t.phase !== undefined) {
      const p = phaseIndex.get(t.phase)
      if (p === undefined) {
        const names = [...phaseIndex.keys()]
        const guess = closest(t.phase, names)
        const message = `no phase is named "${t.phase}"${guess ? ` (did you mean ${guess}?)` : ''}; the phases are ${names.join(', ')}`
        return problem(path, message, {offset: offsetOf('[')})
      }
      if (!phases[p].measure) return problem(path, `phase "${t.phase}" is not measured (measure: false), so it has no numbers`, {offset: offsetOf('[')})
    }
    const tooLong = windowProblem(t, phases)
    if (tooLong) return problem(path, tooLong, {offset: parsed.windowAt})
    const backend = backendMetricOf(t.metric)
    if (backend && !exists(backend.id)) {
      return problem(path, `replica ${backend.id} does not exist: replicas.count is ${count} (${idRange})`, {offset: offsetOf(t.metric)})
    }
    thresholds.push(t)
  })

  // A process replica may not speak HTTP on /; without a path its readiness is its port accepting.
  const readyPath = r.ready.path ?? (r.kind === 'process' ? undefined : '/')

  const scenario: Scenario = {
    name: file.name,
    ...(file.description === undefined ? {} : {description: file.description}),
    seed: file.seed,
    replicas: {
      count,
      kind: r.kind,
      app: {...r.app, latency: latencySpec(r.app.latency)},
      ...(r.command === undefined ? {} : {command: r.command}),
      ...(r.cwd === undefined ? {} : {cwd: r.cwd}),
      env: r.env,
      ...(r.image === undefined ? {} : {image: r.image}),
      ...(r.build === undefined ? {} : {build: r.build}),
      ready: {...(readyPath === undefined ? {} : {path: readyPath}), timeout: r.ready.timeout},
      restart: r.restart,
      overrides,
    },
    balancer,
    load: {
      connections: l.connections,
      ...(l.rate === undefined ? {} : {rate: l.rate}),
      timeout: l.timeout,
      phases,
      requests: l.requests.map((q) => ({method: q.method, path: q.path, headers: q.headers, ...(q.body === undefined ? {} : {body: q.body}), weight: q.weight})),
      generators: l.generators,
    },
    faults,
    thresholds,
    abortOnFail: file.abortOnFail,
  }
  if (problems.length > 0) return {problems}

  // What each balancer kind can do is its own to say (balancers/kinds/).
  for (const p of balancerKinds.get(scenario.balancer.kind)?.check(scenario) ?? []) {
    problems.push({path: p.path.split('.').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k)), message: p.message})
  }
  return problems.length > 0 ? {problems} : {scenario}
}

function latencySpec(l: FileLatency): LatencySpec {
  if (typeof l === 'number') return {dist: 'fixed', mean: l}
  const spec: LatencySpec = {dist: l.dist, mean: l.mean ?? ((l.min ?? 0) + (l.max ?? 0)) / 2}
  if (l.stddev !== undefined) spec.stddev = l.stddev
  if (l.min !== undefined) spec.min = l.min
  if (l.max !== undefined) spec.max = l.max
  return spec
}

/**
 * No health section: what the balancer kind does untold (the built-in proxy and nginx take a backend out
 * for 10 s after one failure; the others check nothing), so that is what the resolved scenario says. A
 * health section given says all there is: `health: {}` turns checks off.
 */
function health(kind: string, h: ScenarioFile['balancer']['health']): {passive?: PassiveHealth; active?: ActiveHealth} {
  if (h === undefined) return balancerKinds.get(kind)?.defaultHealth() ?? {}
  return {...(h.passive ? {passive: h.passive} : {}), ...(h.active ? {active: h.active} : {})}
}

function requiredWhy(action: string, field: FaultField): string {
  switch (field) {
    case 'target':
      return `${action} acts on replicas: give target: r2, a list like [r1, r3], or random`
    case 'latency':
      return `a ${action} fault needs the latency to add, like latency: 200ms`
    case 'command':
      return `an ${action} fault needs the command to run, like command: "echo step"`
    default:
      return `a ${action} fault needs ${field}`
  }
}
