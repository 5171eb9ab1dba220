// The JSON report v1 as a zod schema: `lbbench report` validates saved files with it, and the JSON Schema
// shipped in the package (schema/report.schema.json) is generated from it, so the two cannot drift.
// Objects are loose on purpose: later versions may add keys freely; only the named ones are stable.
// Keep in step with model.ts: the compile-time check at the bottom fails when a field's type differs or the
// schema requires what model.ts does not have (a field added to model.ts only is allowed, as an extra key).

import {z} from 'zod'
import type {Report} from '../model/report.js'
import type {Comparison} from './comparison.js'

const count = z.number().int().nonnegative()
const us = z.number().nonnegative().describe('microseconds')
const msFromZero = z.number().describe('milliseconds from t = 0 (the start of the first measured phase)')

const latencyUs = z.looseObject({p50: us, p90: us, p99: us, p999: us, max: us, mean: us, count})

const errorCounts = z.looseObject({connect: count, reset: count, timeout: count, non2xx: count, lost: count})

const summary = z.looseObject({
  durationMs: z.number().nonnegative(),
  requests: z.looseObject({sent: count, completed: count, failed: count}),
  errors: errorCounts,
  errorRate: z.number().min(0).describe('failed / sent'),
  latencyUs,
  throughput: z.looseObject({
    rps: z.number().nonnegative(),
    bytesPerSec: z.number().nonnegative(),
    connectionsPerSec: z.number().nonnegative().optional().describe('load.keepAlive false or {requests: N}: new connections (and TLS handshakes) the generator opened per second'),
  }),
  statusCodes: z.record(z.string(), count),
  histogram: z.string().optional().describe('all latencies as an HDR histogram (µs, hdr-histogram-js compressed base64)'),
})

const backend = z.looseObject({
  id: z.string(),
  requests: count,
  share: z.number().min(0).max(1),
  errors: count,
  attempts: count.optional(),
  latencyUs: z.looseObject({p50: us, p99: us}),
  events: z.array(z.looseObject({atMs: msFromZero, state: z.string(), reason: z.string().optional()})),
  weight: z.number().optional(),
  connections: count.optional(),
  bytes: z.looseObject({toBackend: count, fromBackend: count}).optional().describe('mode tcp: the bytes the balancer forwarded to this backend and from it, over the whole run'),
  histogram: z.string().optional().describe("its responses' latencies as an HDR histogram (µs, hdr-histogram-js compressed base64)"),
})

const fairness = z.looseObject({
  jain: z.number(),
  cv: z.number(),
  maxMean: z.number(),
  minMean: z.number(),
  over: z.array(z.string()).describe('the backends up for the whole measured time'),
})

const nullableMs = z.number().nullable()

const failoverSource = z.looseObject({
  from: z.enum(['attempts', 'responses']).describe("the balancer's attempts per backend, or the responses per backend (as their backend header names it)"),
  bucketMs: z.number().positive().describe('the size of the buckets the counts were in'),
  until: z
    .enum(['fair-share', 'first-response'])
    .optional()
    .describe("ttr's only: what ended it, the first second with ≥ 90% of the backend's fair share, or its first response back (absent: fair-share)"),
})

const failover = z.looseObject({
  fault: z.string(),
  target: z.string(),
  atMs: msFromZero,
  ttdMs: nullableMs.describe('time to detect: the fault until requests stopped going to the bad backend (the last one before 500 ms without any); null = never'),
  ttdBalancerMs: nullableMs.optional(),
  failed: count,
  hidden: count,
  ttrMs: nullableMs.describe("time to reintegrate: the fault's end until the backend gets ≥ 90% of its fair share, or until its first response back (sources.ttr.until)"),
  addedP99Us: z.number().nullable().optional(),
  steadyMs: nullableMs.optional(),
  sources: z.looseObject({ttd: failoverSource, ttr: failoverSource}).optional().describe('what ttd and ttr were measured from'),
  replacement: z
    .looseObject({dieMs: z.number(), startMs: nullableMs, servingMs: nullableMs})
    .optional()
    .describe("a replica its orchestrator replaced: the fault until its task died, the replacement task started (engine events), and it answered"),
  durationMs: nullableMs.optional().describe('a rolling update: the fault until the engine reported it ended'),
  longestOutMs: nullableMs.optional().describe('a rolling update: the longest time one slot had no task answering'),
  longestOutTarget: z.string().optional(),
})

const seriesPoint = z.looseObject({
  tMs: msFromZero,
  phase: z.string(),
  sent: count,
  completed: count,
  failed: count,
  errors: errorCounts,
  latencyUs: z.looseObject({p50: us, p99: us}),
  perBackend: z.record(z.string(), count),
  perBackendP99Us: z.record(z.string(), us).optional().describe("each backend's p99 in the second; backends with fewer than 20 responses in it left out"),
  inflight: z.record(z.string(), z.number()).optional(),
  backendsUp: count.optional(),
  openConnections: count.optional().describe('the connections the load generator(s) held open at the end of the second'),
})

const finePoint = z.looseObject({
  tMs: msFromZero.describe('the start of the bucket [tMs, tMs + bucketMs)'),
  sent: count,
  completed: count,
  failed: count,
  errors: errorCounts.optional().describe('only when failed > 0'),
  latencyUs: z.looseObject({p50: us, p99: us}).optional().describe('only with at least minLatencyCount responses in the bucket'),
  perBackend: z.record(z.string(), count),
  inflight: z.record(z.string(), z.number()).optional(),
})

const fineSeries = z.looseObject({
  bucketMs: z.number().positive(),
  minLatencyCount: count,
  windows: z.array(z.looseObject({startMs: msFromZero, endMs: msFromZero})),
  points: z.array(finePoint),
}).describe('100 ms buckets: over the whole measured time when it is at most 30 s, else from 2 s before to 2 s after each fault event')

const timelineEvent = z.looseObject({atMs: msFromZero, kind: z.string(), target: z.string().optional(), detail: z.string()})

const worstWindow = z
  .looseObject({startMs: msFromZero, endMs: msFromZero, windows: count, failed: count.describe('windows that broke the threshold')})
  .describe('a window threshold (`errors.rate[window=10s] < 1%`): the window furthest from holding, [startMs, endMs); actual is its value')

const threshold = z.looseObject({
  expr: z.string(),
  actual: z.number().nullable(),
  pass: z.boolean(),
  detail: z.string().optional(),
  worstWindow: worstWindow.optional(),
})

const baselineRow = z.looseObject({
  metric: z.string(),
  baseline: z.number().nullable(),
  current: z.number().nullable(),
  delta: z.number().nullable().describe("current − baseline, in the metric's base unit"),
  deltaPct: z.number().nullable().describe('delta as a percentage of |baseline|; null when the baseline is 0'),
  beyondTolerance: z.boolean(),
  beyondNoise: z.boolean().describe('beyond the per-second noise of both runs'),
  regression: z.boolean(),
  noise: z.string().optional(),
})

const baseline = z.looseObject({
  file: z.string(),
  tolerance: z.number().nonnegative().describe('a fraction of the baseline value, 0.1 = 10%'),
  scenarioHash: z.string(),
  startedAt: z.string(),
  forced: z.boolean().optional(),
  warnings: z.array(z.string()),
  rows: z.array(baselineRow),
  regressions: count,
}).describe('the comparison with --baseline')

// The resolved scenario: its own schema (scenario/schema.ts) validates files; here only its outline,
// so a report written by a later lbbench with more scenario keys still validates.
const scenario = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  seed: z.number(),
  replicas: z.looseObject({count: count, kind: z.string()}),
  balancer: z.looseObject({kind: z.string(), strategy: z.string()}),
  load: z.looseObject({phases: z.array(z.looseObject({name: z.string(), duration: z.number(), measure: z.boolean()}))}),
  faults: z.array(z.looseObject({at: z.number(), action: z.string()})),
  thresholds: z.array(z.looseObject({expr: z.string()})),
})

export const reportSchema = z.looseObject({
  schemaVersion: z.literal(1),
  meta: z.looseObject({
    lbbench: z.string(),
    startedAt: z.string().describe('ISO 8601'),
    scenarioHash: z.string(),
    scenarioFile: z.string(),
    seed: z.number(),
    environment: z.looseObject({cpu: z.string(), cores: count, node: z.string(), os: z.string(), balancerVersion: z.string().optional()}),
    generator: z.looseObject({
      cpuPct: z.number(),
      saturated: z.boolean(),
      elu: z.number().optional(),
      lateMs: z.number().min(0).optional(),
      shards: z
        .array(
          z.looseObject({
            index: z.number().int().nonnegative(),
            host: z.string(),
            requests: z.number().nonnegative(),
            cpuPct: z.number(),
            saturated: z.boolean(),
            lateMs: z.number(),
            clockOffsetMs: z.number().nullable(),
            error: z.string().optional(),
          }),
        )
        .optional()
        .describe('lbbench merge: each shard of the load'),
      skewBoundMs: z.number().nonnegative().optional().describe('lbbench merge: how far start skew can move per-second figures and times to detect'),
      clockOffsetsKnown: z.boolean().optional(),
      missing: z.array(z.number().int().nonnegative()).optional().describe('lbbench merge --partial: the shards that were missing'),
    }),
    proxy: z
      .looseObject({
        cpuPct: z.number(),
        elu: z.number().optional(),
        workers: z.number().int().positive().optional().describe('built-in proxy processes (balancer.workers)'),
        state: z.enum(['per-worker', 'shared']).optional().describe('shared: one process, or workers sharing health marks and active checks (balancer.sharedState); per-worker: each worker its own. In-flight counts, strategy positions and retry budgets are always per worker'),
      })
      .optional(),
    aborted: z.boolean().optional(),
    abortReason: z.string().optional(),
    notRun: z.boolean().optional().describe('the run could not be carried out (exit 3): nothing was measured under load, thresholds not evaluated'),
    error: z.looseObject({message: z.string(), hint: z.string().optional()}).optional().describe('why the run could not be carried out'),
    timing: z.enum(['actual-send', 'intended-send']),
    reportDir: z.string().optional(),
    t0EpochMs: z.number().optional().describe('wall-clock time (epoch ms) of t = 0'),
    target: z.string().optional().describe('the URL the load went to (balancer none: each replica\'s, space-separated)'),
    tls: z
      .looseObject({protocol: z.string(), cipher: z.string()})
      .optional()
      .describe('balancer.tls: the protocol (TLSv1.3) and cipher (IANA name) a handshake with the balancer negotiated before the load'),
  }),
  scenario,
  summary,
  phases: z.record(z.string(), summary),
  backends: z.array(backend),
  fairness,
  failover: z.array(failover),
  series: z.array(seriesPoint),
  fineSeries: fineSeries.optional(),
  timeline: z.array(timelineEvent),
  thresholds: z.array(threshold),
  baseline: baseline.optional(),
  pass: z.boolean(),
}).describe('lbbench JSON report, version 1')

export const comparisonSchema = z.looseObject({
  schemaVersion: z.literal(1),
  kind: z.literal('comparison'),
  createdAt: z.string().optional(),
  title: z.string().optional(),
  subjects: z.array(z.looseObject({
    label: z.string(),
    strategy: z.string().optional(),
    balancer: z.string().optional(),
    reports: z.array(reportSchema).min(1),
  })).min(1),
  warnings: z.array(z.string()).optional(),
}).describe('lbbench comparison, version 1')

export const REPORT_SCHEMA_ID = 'urn:lbbench:report:v1'
export const COMPARISON_SCHEMA_ID = 'urn:lbbench:comparison:v1'

/** schema/report.schema.json: the JSON Schema (draft 2020-12) of a report, shipped in the package. */
export function reportJsonSchema(): Record<string, unknown> {
  return withId(z.toJSONSchema(reportSchema, {target: 'draft-2020-12'}), REPORT_SCHEMA_ID, 'lbbench report (v1)')
}

/** schema/comparison.schema.json: the same for a saved comparison (`lbbench compare`). */
export function comparisonJsonSchema(): Record<string, unknown> {
  return withId(z.toJSONSchema(comparisonSchema, {target: 'draft-2020-12'}), COMPARISON_SCHEMA_ID, 'lbbench comparison (v1)')
}

function withId(schema: Record<string, unknown>, id: string, title: string): Record<string, unknown> {
  const {$schema, ...rest} = schema
  return {$schema, $id: id, title, ...rest}
}

// Compile-time: every Report (and Comparison) must be accepted by the schema's input type. Plain<>
// turns interfaces into object types, which (unlike interfaces) fit the loose objects' index signature.
type Plain<T> = T extends object ? {[K in keyof T]: Plain<T[K]>} : T
const _reportFits = (r: Plain<Report>): z.input<typeof reportSchema> => r
const _comparisonFits = (c: Plain<Comparison>): z.input<typeof comparisonSchema> => c
void _reportFits
void _comparisonFits
