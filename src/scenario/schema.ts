// The scenario file format (v1) as a zod schema: types, ranges, units and defaults of each field on its
// own, and transforms that turn what the file says into the resolved Scenario of model/scenario.ts (units
// to milliseconds, defaults filled in, including those that depend on a kind: a replica kind's ready path,
// a strategy's hash key, an action's field defaults). The names of strategies, fault actions and replica
// kinds, and the keys a replica kind takes, come from their registries. What depends on several fields
// (replica ids, fault times against the phases, threshold phases, what a kind requires) is checked
// afterwards in validate.ts. Every object is strict: an unknown key is a typo until proven otherwise.
// The JSON Schema for editors (schema/scenario.schema.json) is generated from this file.

import {z} from 'zod'
import {balancerKinds} from '../balancers/registry.js'
import type {FaultField} from '../faults/action.js'
import {faultKinds} from '../faults/registry.js'
import {keyPlaceholderProblems} from '../load/generator/request-keys.js'
import type {ActiveHealth, BalancerSpec, LatencySpec, LoadSpec, PassiveHealth, ReplicasSpec} from '../model/scenario.js'
import {engineNames} from '../proxy/engines.js'
import {defaultStrategy, strategyKinds} from '../proxy/strategies/registry.js'
import {replicaKinds} from '../replicas/registry.js'
import {durationHint, durationPattern, tryParseDuration} from './duration.js'
import {describeValue, quote} from './issues.js'
import {kindOptionShape, kindOptionsOf} from './kind-options.js'
import {perReplicaKeys, replicaCount, replicasOrDefault} from './replica-section.js'
import {keepAliveKey, keepAliveResolved, ownConfigKey, ownStackBalancer, tlsKey} from './own-stack-schema.js'
import {generatorsKey} from './generators-key.js'
import {percentPattern, sizePattern, tryParsePercentOrFraction, tryParseSize} from './quantities.js'

/** Limits that keep a run on one machine; beyond them a number is a typo or a mistake. */
export const limits = {
  replicas: 64,
  connections: 10_000,
  rate: 1_000_000,
  retries: 10,
  workers: 16,
  generators: 16,
  durationMs: 24 * 3_600_000,
  bodyBytes: 100 * 1024 * 1024,
}

const durationRe = new RegExp(durationPattern)

/** A duration with a unit, as milliseconds. */
function duration(opts: {positive?: boolean} = {}) {
  return z
    .string({error: (iss) => durationProblem(iss.input)})
    .regex(durationRe, {error: (iss) => durationProblem(iss.input)})
    .transform((text, ctx) => {
      const ms = (tryParseDuration(text) as {ms: number}).ms
      if (opts.positive && ms <= 0) ctx.issues.push({code: 'custom', input: text, message: `must be longer than 0; got ${text}`})
      if (ms > limits.durationMs) ctx.issues.push({code: 'custom', input: text, message: `must be at most 24h (the limit); got ${text}`})
      return ms
    })
    .meta({description: 'a duration with a unit: 250us, 500ms, 5s, 2m'})
}

function durationProblem(input: unknown): string {
  if (input === undefined) return 'is missing; expected a duration like 500ms, 5s, 2m'
  if (typeof input === 'string' || typeof input === 'number') return (tryParseDuration(input) as {error: string}).error
  return `expected a duration like 500ms, 5s, 2m; got ${describeValue(input)}`
}

const int = (min: number, max: number) => z.number().int().min(min).max(max)

/**
 * `value` as the resolved scenario holds it: its keys in the order of `shape` (as zod writes them, so a
 * default a transform adds sits where the field does) and without the undefined ones.
 */
function resolved<T extends object>(shape: object, value: T): T {
  const v = value as Record<string, unknown>
  return Object.fromEntries(Object.keys(shape).flatMap((k) => (v[k] === undefined ? [] : [[k, v[k]]]))) as T
}

/** `20%` or `0.2`, as a fraction. */
const fraction = z
  .union([z.number(), z.string().regex(new RegExp(percentPattern), {error: (iss) => `expected a percentage like 20% or a fraction from 0 to 1 like 0.2; got ${quote(String(iss.input))}`})], {
    error: 'expected a percentage like 20% or a fraction from 0 to 1 like 0.2',
  })
  .transform((v, ctx) => {
    const r = tryParsePercentOrFraction(v)
    if ('error' in r) {
      ctx.issues.push({code: 'custom', input: v, message: r.error})
      return z.NEVER
    }
    return r.value
  })

const size = z
  .union([z.number(), z.string().regex(new RegExp(sizePattern), {error: (iss) => `expected a size in bytes like 65536, 64KiB or 1MiB; got ${quote(String(iss.input))}`})], {error: 'expected a size in bytes like 65536, 64KiB or 1MiB'})
  .transform((v, ctx) => {
    const r = tryParseSize(v)
    if ('error' in r) {
      ctx.issues.push({code: 'custom', input: v, message: r.error})
      return z.NEVER
    }
    if (r.bytes > limits.bodyBytes) ctx.issues.push({code: 'custom', input: v, message: `must be at most 100MiB (the limit); got ${v}`})
    return r.bytes
  })

/** Environment values and headers: YAML reads `5` or `true` as numbers and booleans; they mean text here. */
const scalarText = z
  .union([z.string(), z.number(), z.boolean()], {error: (iss) => `expected a text value, got ${describeValue(iss.input)}`})
  .transform((v) => String(v))

const urlPath = z.string().regex(/^\/\S*$/, {error: (iss) => `expected a path starting with /, like /health; got ${quote(String(iss.input))}`})

export const latencyDists = ['fixed', 'normal', 'exponential', 'uniform'] as const

const latencyShape = {
  dist: z.enum(latencyDists),
  mean: duration().optional(),
  stddev: duration().optional(),
  min: duration().optional(),
  max: duration().optional(),
}

const latencyObject = z
  .strictObject(latencyShape)
  .superRefine((l, ctx) => {
    const need = (key: 'mean' | 'stddev' | 'min' | 'max', why: string) => {
      if (l[key] === undefined) ctx.addIssue({code: 'custom', path: [key], message: `is missing; ${why}`})
    }
    if (l.dist === 'fixed' || l.dist === 'exponential') need('mean', `a ${l.dist} latency needs its mean, like 5ms`)
    if (l.dist === 'normal') {
      need('mean', 'a normal latency needs mean and stddev, like {dist: normal, mean: 5ms, stddev: 1ms}')
      need('stddev', 'a normal latency needs mean and stddev, like {dist: normal, mean: 5ms, stddev: 1ms}')
    }
    if (l.dist === 'uniform') {
      need('min', 'a uniform latency needs min and max, like {dist: uniform, min: 1ms, max: 9ms}')
      need('max', 'a uniform latency needs min and max, like {dist: uniform, min: 1ms, max: 9ms}')
    }
    if (l.min !== undefined && l.max !== undefined && l.min > l.max) {
      ctx.addIssue({code: 'custom', path: ['max'], message: 'must not be less than min'})
    }
  })

/** `5ms` or `{dist, mean, stddev, min, max}`; a uniform one's mean is the middle of min and max. */
const latency = z
  .union([duration(), latencyObject], {
    error: (iss) =>
      typeof iss.input === 'number'
        ? `${durationHint} (got the bare number ${iss.input})`
        : 'expected a duration like 5ms, or a distribution like {dist: normal, mean: 5ms, stddev: 1ms}',
  })
  .transform((l): LatencySpec => {
    if (typeof l === 'number') return {dist: 'fixed', mean: l}
    return resolved(latencyShape, {...l, mean: l.mean ?? ((l.min ?? 0) + (l.max ?? 0)) / 2})
  })

const appBehaviour = z.strictObject({
  latency: latency.prefault('0ms'),
  cpu: duration().prefault('0ms').describe('busy work per request'),
  body: int(0, limits.bodyBytes).default(12).describe('response size in bytes (12 = "Hello World!")'),
  errorRate: z.number().min(0).max(1).default(0).describe('fraction of requests answered with errorStatus'),
  errorStatus: int(100, 599).default(500),
  hang: z.boolean().default(false),
})

const replicaOverride = z.strictObject({
  latency: latency.optional(),
  cpu: duration().optional(),
  body: int(0, limits.bodyBytes).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  weight: int(1, 1000).optional(),
})

export const replicaId = /^r[1-9]\d*$/

/** The keys under `replicas` that some kinds take and others do not, with the kinds that take each. */
export const replicaKindOptions = kindOptionsOf(replicaKinds.all)

/** Kinds whose replicas are ready once their port accepts connections, unless the file gives a path. */
const portChecked = replicaKinds.all.filter((k) => k.defaultReadyPath === undefined).map((k) => k.name)

const readyShape = {
  path: urlPath
    .optional()
    .describe(`HTTP path probed until it answers; default /${portChecked.length ? ` (a port check for ${portChecked.join(', ')} replicas)` : ''}`),
  timeout: duration({positive: true}).prefault('10s'),
}

const replicasShape = {
  count: int(1, limits.replicas)
    .optional()
    .describe(`replicas are named r1 … rN; default 2, or one per entry of ${perReplicaKeys.join(' or ')}`),
  kind: z.enum(replicaKinds.names).default('cluster'),
  app: appBehaviour.prefault({}).describe("the built-in app's behaviour"),
  ...kindOptionShape(replicaKinds.all, replicaKindOptions, {duration, urlPath: () => urlPath}),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {error: 'expected an environment variable name like MY_VAR'}), scalarText).default({}),
  ready: z.strictObject(readyShape).prefault({}),
  restart: z.enum(['never', 'on-failure']).default('never'),
  overrides: z
    .record(z.string().regex(replicaId, {error: (iss) => `expected a replica id like r1, r2 …; got ${quote(String(iss.input))}`}), replicaOverride)
    .default({}),
}

/** A ready path the file leaves out is the kind's default (none = a port check); the count, its list's length. */
const replicas = z.strictObject(replicasShape).transform(
  (r, ctx): ReplicasSpec =>
    resolved(replicasShape, {
      ...r,
      count: replicaCount(r, ctx, limits.replicas),
      ready: resolved(readyShape, {...r.ready, path: r.ready.path ?? replicaKinds.get(r.kind)!.defaultReadyPath}),
    }),
)

export const hashKeyPattern = /^(ip|path|header:[A-Za-z0-9!#$%&'*+.^_`|~-]+)$/

const passiveHealth = z.strictObject({
  maxFails: int(0, 1000).default(1),
  failTimeout: duration({positive: true}).prefault('10s'),
  statuses: z.array(int(100, 599)).default([]),
})

const activeHealth = z.strictObject({
  path: urlPath.default('/'),
  interval: duration({positive: true}).prefault('1s'),
  timeout: duration({positive: true}).prefault('500ms'),
  rise: int(1, 100).default(2),
  fall: int(1, 100).default(3),
})

/** The keys under `balancer` that some kinds take and others do not, with the kinds that take each. */
export const balancerKindOptions = kindOptionsOf(balancerKinds.all)

const balancerShape = {
  kind: z.enum(balancerKinds.names as [string, ...string[]]).default('builtin'),
  strategy: z.enum(strategyKinds.names).default(defaultStrategy),
  hashKey: z
    .string()
    .regex(hashKeyPattern, {error: (iss) => `expected ip, path or header:NAME; got ${quote(String(iss.input))}`})
    .optional(),
  retries: int(0, limits.retries).default(1).describe('tries on other backends after a connect error, reset or timeout'),
  retryNonIdempotent: z.boolean().default(false),
  retryBudget: fraction.optional().describe('share of requests that may be retries, like 20%'),
  retryBodyLimit: size.prefault('64KiB'),
  timeout: duration({positive: true}).prefault('2s').describe('per try'),
  health: z.strictObject({passive: passiveHealth.optional(), active: activeHealth.optional()}).optional(),
  engine: z.enum(engineNames).default('lean').describe('built-in proxy engine; lean is the fastest (docs/proxy-engines.md)'),
  workers: int(1, limits.workers).default(1).describe('built-in proxy processes behind one port; nginx worker processes; HAProxy threads'),
  sharedState: z
    .boolean()
    .default(false)
    .describe('built-in proxy with workers > 1: the workers share health marks and active checks (like nginx zone); in-flight counts, strategy positions and retry budgets stay per worker'),
  schedulingPolicy: z.enum(['rr', 'none']).default('rr'),
  // The keys only some balancer kinds take (external: url, backendHeader), as their descriptors give them.
  ...kindOptionShape(balancerKinds.all, balancerKindOptions, {duration, urlPath: () => urlPath}),
  // Your own stack (own-stack-schema.ts): your nginx/HAProxy configuration, and TLS at the balancer.
  config: ownConfigKey.optional(),
  tls: tlsKey.optional(),
}

/** A strategy may have an obvious hash key (ip-hash: the client address); sharedState is written only when true. */
const balancer = z.strictObject(balancerShape).transform(
  (b): BalancerSpec =>
    resolved(balancerShape, {
      ...b,
      hashKey: b.hashKey ?? strategyKinds.get(b.strategy)!.defaultHashKey,
      health: healthOf(b.kind, b.health),
      sharedState: b.sharedState || undefined,
      ...ownStackBalancer(b),
    }),
)

/**
 * No health section: what the balancer kind does untold (the built-in proxy and nginx take a backend out
 * for 10 s after one failure; the others check nothing), so that is what the resolved scenario says. A
 * health section given says all there is: `health: {}` turns checks off.
 */
function healthOf(kind: string, h: {passive?: PassiveHealth; active?: ActiveHealth} | undefined): BalancerSpec['health'] {
  if (h === undefined) return balancerKinds.get(kind)?.defaultHealth() ?? {}
  return {...(h.passive ? {passive: h.passive} : {}), ...(h.active ? {active: h.active} : {})}
}

const connections = int(1, limits.connections)
const rate = z.number().positive().max(limits.rate)

export const phaseNamePattern = /^[a-z0-9][a-z0-9_-]*$/

const phaseShape = {
  name: z.string().regex(phaseNamePattern, {
    error: (iss) => `expected a phase name of lowercase letters, digits, '-' or '_', like steady; got ${quote(String(iss.input))}`,
  }),
  duration: duration({positive: true}),
  measure: z.boolean().default(true),
  connections: connections.optional(),
  rate: rate.optional(),
}

export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** `{{n:1000}}` in the path or a header value is one of 1000 keys per request (load/generator/request-keys.ts). */
const request = z
  .strictObject({
    method: z.enum(httpMethods).default('GET'),
    path: urlPath.default('/'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, {error: 'expected a header name like content-type'}), scalarText).default({}),
    body: z.string().optional(),
    weight: int(1, 1000).default(1),
  })
  .superRefine((r, ctx) => {
    for (const p of keyPlaceholderProblems(r)) ctx.addIssue({code: 'custom', path: p.field, message: p.message, params: {offset: p.offset}})
  })

/** The default: a warm-up second, then five measured. */
const phases = z
  .array(z.strictObject(phaseShape))
  .min(1)
  .prefault([
    {name: 'warmup', duration: '1s', measure: false},
    {name: 'steady', duration: '5s'},
  ])

const load = z
  .strictObject({
    connections: connections.default(10),
    rate: rate.optional().describe('total requests per second; absent = as fast as the connections go'),
    timeout: duration({positive: true}).prefault('2s').describe('per request'),
    phases,
    requests: z.array(request).min(1).prefault([{method: 'GET', path: '/'}]),
    generators: generatorsKey(limits.generators),
    keepAlive: keepAliveKey,
  })
  // A phase without its own connections or rate has the load's; keepAlive and generatorsOn are written only when not the default (the hash stays).
  .transform(
    ({keepAlive, generators, ...l}): LoadSpec => ({
      ...l,
      phases: l.phases.map((p) => resolved(phaseShape, {...p, connections: p.connections ?? l.connections, rate: p.rate ?? l.rate})),
      generators: typeof generators === 'number' ? generators : generators.count,
      ...(typeof generators === 'object' && generators.on === 'swarm' ? {generatorsOn: 'swarm' as const} : {}),
      ...keepAliveResolved(keepAlive),
    }),
  )

/** What each field a fault action may take looks like; which actions take which is theirs to say. */
const faultFieldShape = {
  target: z
    .union([z.string(), z.array(z.string()).min(1)], {error: 'expected a replica id like r2, a list like [r1, r3], or random'})
    .optional(),
  for: duration({positive: true}).optional(),
  latency: duration().optional(),
  status: int(100, 599).optional(),
  rate: fraction.optional(),
  command: z.string().min(1).optional(),
  replicas: int(0, limits.replicas).optional(),
} satisfies Record<FaultField, z.ZodType>

const faultShape = {
  at: duration().describe('offset on the load clock: 0 is the start of the first measured phase'),
  action: z.enum(faultKinds.names),
  ...faultFieldShape,
}

/** A field the file leaves out is the action's default, if it has one (fail: status 503, rate 1). */
const fault = z.strictObject(faultShape).transform((f) => resolved(faultShape, {...faultKinds.get(f.action)!.defaults, ...f}))

const threshold = z.string({error: 'expected a threshold like "latency.p99 < 50ms" (one line of text)'})

/**
 * The parts validate.ts checks against each other, each with its own schema: when the file as a whole
 * does not parse, every part that does is still checked (load.ts), instead of the first bad field
 * hiding the problems of the others.
 */
export const partSchemas = {
  /** A file without a replicas section has its balancer kind's default one (replicasOrDefault). */
  replicas,
  replicaCount: replicasShape.count,
  balancer: balancer.prefault({}),
  phases,
  fault,
  threshold,
}

export const scenarioNamePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/

const scenarioShape = {
  name: z
    .string({error: (iss) => (iss.input === undefined ? "is missing; every scenario has a name: lowercase words joined by '-', like my-scenario" : undefined)})
    .max(64)
    .regex(scenarioNamePattern, {error: (iss) => `expected lowercase words joined by '-', like my-scenario; got ${quote(String(iss.input))}`})
    .describe("lowercase words joined by '-'"),
  description: z.string().optional(),
  seed: int(0, 2 ** 32 - 1).default(1).describe('seeds every random choice'),
  replicas: replicas.optional().describe("default: the balancer kind's (none listed behind an external balancer), else 2 cluster replicas"),
  balancer: partSchemas.balancer,
  load: load.prefault({}),
  faults: z.array(fault).default([]),
  thresholds: z
    .array(threshold)
    .default([])
    .describe('metric[phase, window=10s] op value, like "errors.rate < 1%" or "latency.p99[window=5s] < 50ms" (in every 5 s window); any false one fails the run (exit 1)'),
  abortOnFail: z.boolean().default(false),
}

/** A file without a replicas section has the balancer kind's default one (an external balancer: none listed). */
export const scenarioFileSchema = z
  .strictObject(scenarioShape)
  .describe('An lbbench scenario (format v1)')
  .transform((f) => resolved(scenarioShape, {...f, replicas: f.replicas ?? replicas.parse(replicasOrDefault(undefined, f.balancer.kind))}))

export type ScenarioFile = z.output<typeof scenarioFileSchema>
