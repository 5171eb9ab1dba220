// One shard of a load spread over several machines (`lbbench shard`): shard I of N runs generator I of
// the split `load.generators: N` would make (connections and rate divided, never multiplied; its paced
// schedule moved by its share of the interval), against a balancer that is already running, from one
// start instant common to every shard. The generator process is started ahead and told to go at that
// instant; a shard that is ready only after it starts at once and says how late it was. Everything the
// merge needs goes out as lines (model/shard.ts) while it runs.

import {hostname} from 'node:os'
import {generatorLoad} from '../metrics/generator-load.js'
import {UsageError} from '../model/errors.js'
import type {GeneratorConfig} from '../model/generator-messages.js'
import type {LoadedScenario} from '../model/scenario.js'
import type {ShardEnd, ShardHeader, ShardLine} from '../model/shard.js'
import {clockOffsetMs} from '../process/clock-offset.js'
import {splitConfig, startGenerators} from './generator-client.js'
import {generatorConfigOf} from './generator-config.js'

export interface ShardOptions {
  index: number
  of: number
  /** The common start instant, epoch ms. */
  startAt: number
  target: string
  /** A start instant already further past than this is refused (exit 2): the shards would not overlap. */
  maxLateMs: number
  lbbench: string
  /** Aborted: the shard stops, and its end line says why. */
  signal?: AbortSignal
}

/** How long the generator may take past the phases' total before the shard gives up on it. */
const GRACE_MS = 10_000

/** The generator's config for shard `index` of `of`; refused when the load cannot be split that far. */
export function shardConfig(loaded: LoadedScenario, o: Pick<ShardOptions, 'index' | 'of' | 'target'>) {
  const whole = generatorConfigOf(loaded.scenario, [o.target])
  const configs = splitConfig(whole, o.of)
  if (configs.length < o.of) {
    const fewest = Math.min(...whole.phases.map((p) => p.connections))
    throw new UsageError(`--of ${o.of}: the load cannot be split into more shards than the fewest connections of a phase (${fewest}); use --of ${configs.length} or more connections`)
  }
  if (!Number.isInteger(o.index) || o.index < 0 || o.index >= o.of) throw new UsageError(`--index ${o.index}: expected a whole number from 0 to ${o.of - 1} (--of ${o.of})`)
  return configs[o.index]
}

/** Runs the shard, sending every line to `emit`; resolves with its end line (also emitted). */
export function runShard(loaded: LoadedScenario, o: ShardOptions, emit: (line: ShardLine) => void): Promise<ShardEnd> {
  return runShardConfig(shardConfig(loaded, o), {...o, scenarioHash: loaded.hash, seed: loaded.scenario.seed}, emit)
}

/** What a shard says about itself beside its generator's config (a Swarm task gets it ready-made). */
export interface ShardStart extends ShardOptions {
  scenarioHash: string
  seed: number
}

/** Runs shard `o.index` with its own generator config (shardConfig's answer). */
export async function runShardConfig(config: GeneratorConfig, o: ShardStart, emit: (line: ShardLine) => void): Promise<ShardEnd> {
  checkNotTooLate(o, Date.now())
  const header: ShardHeader = {
    type: 'shard',
    index: o.index,
    of: o.of,
    scenarioHash: o.scenarioHash,
    seed: o.seed,
    startAt: o.startAt,
    host: hostname(),
    clockOffsetMs: await clockOffsetMs(),
    target: o.target,
    lbbench: o.lbbench,
  }
  emit(header)
  let go!: () => void
  const gate = new Promise<string[]>((resolve) => (go = () => resolve(config.targets)))
  const usage: Array<{cpuPct: number; elu: number}> = []
  let firstStart: number | undefined
  let error: string | undefined
  const handle = startGenerators(config, 1, {
    onPhaseStart: (e) => {
      firstStart ??= e.epochMs
      emit({type: 'phase-start', phase: e.phase, measure: e.measure, epochMs: e.epochMs, timing: e.timing})
    },
    onPhaseEnd: (e) => emit({type: 'phase-end', phase: e.phase, epochMs: e.epochMs}),
    onSample: (sample) => emit({type: 'sample', sample}),
    onUsage: (u) => usage.push(u),
    onError: (e) => (error ??= e.message),
  }, gate)
  const stop = (why: string) => {
    error ??= why
    handle.stop()
  }
  const onAbort = () => stop(String(o.signal?.reason ?? 'stopped'))
  o.signal?.addEventListener('abort', onAbort, {once: true})
  const totalMs = config.phases.reduce((n, p) => n + p.duration, 0)
  const deadline = setTimeout(() => stop('the load generator did not finish in time'), Math.max(0, o.startAt - Date.now()) + totalMs + GRACE_MS)
  try {
    await handle.ready
    const tooLate = lateProblem(o, Date.now())
    if (tooLate) stop(tooLate)
    else await untilInstant(o.startAt, o.signal)
    go()
    await handle.exited
  } finally {
    clearTimeout(deadline)
    o.signal?.removeEventListener('abort', onAbort)
    handle.kill()
  }
  const end: ShardEnd = {type: 'end', lateMs: firstStart === undefined ? 0 : Math.max(0, firstStart - o.startAt), ...generatorLoad(usage), ...(error ? {error} : {})}
  emit(end)
  return end
}

function lateProblem(o: Pick<ShardOptions, 'startAt' | 'maxLateMs'>, now: number): string | undefined {
  const late = now - o.startAt
  if (late <= o.maxLateMs) return undefined
  return `--start-at ${new Date(o.startAt).toISOString()} is ${(late / 1000).toFixed(1)} s past, more than --max-late ${o.maxLateMs / 1000}s allows: this shard would not overlap the others; give every shard a later instant`
}

/** A start instant already further past than --max-late: a usage error (exit 2), before anything starts. */
export function checkNotTooLate(o: Pick<ShardOptions, 'startAt' | 'maxLateMs'>, now: number): void {
  const problem = lateProblem(o, now)
  if (problem) throw new UsageError(problem)
}

/** Resolves at the epoch ms `at` (at once if past, or when aborted). */
function untilInstant(at: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, Math.max(0, at - Date.now()))
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
}
