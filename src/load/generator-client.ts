// The orchestrator's handle on the load generator process(es): starts them, turns their IPC messages into
// typed callbacks, and stops them. A generator that dies before it said `done`, unless it was asked to stop,
// is a part that broke (RunError, exit 3), never a quiet gap in the numbers.

import {ForkedChild} from '../process/child.js'
import {RunError} from '../model/errors.js'
import {deriveSeed} from '../model/random.js'
import {SampleMerger} from '../metrics/merge-samples.js'
import type {FromGenerator, GeneratorConfig, Sample, Timing, ToGenerator} from '../model/generator-messages.js'

export interface GeneratorHandlers {
  /** A phase started; the first measured phase's start is t = 0 of the load clock. */
  onPhaseStart?(event: {phase: string; measure: boolean; epochMs: number; timing: Timing}): void
  onPhaseEnd?(event: {phase: string; epochMs: number}): void
  onSample?(sample: Sample): void
  /** Each generator's own CPU use (percent of one core) and event-loop utilisation, once a second; how late its clock ticked. */
  onUsage?(usage: {cpuPct: number; elu: number; generator: number; lateMs?: number}): void
  /** Every phase ran (or stop() was obeyed) and the last sample was delivered. */
  onDone?(): void
  /** A generator failed or exited unexpectedly; the run cannot be trusted (exit 3). */
  onError?(error: RunError): void
}

export interface GeneratorHandle {
  pids: number[]
  /** Resolves once every generator has loaded autocannon and can start at once. */
  ready: Promise<void>
  /** Resolves when every generator process has exited, with the error if one went wrong. */
  exited: Promise<{error?: RunError}>
  /** Ends the current phase now: the partial last sample is delivered, then `done`; killed after `graceMs` (default 3 s). */
  stop(graceMs?: number): void
  /** SIGKILL, for when there is no time to be polite. */
  kill(): void
}

/** Grace given to a generator after `stop` before it is killed, unless the caller gives its own. */
const stopGraceMs = 3000

/** Forks one generator process and starts it with `config`. */
export function startGenerator(config: GeneratorConfig, handlers: GeneratorHandlers): GeneratorHandle {
  return startGenerators(config, 1, handlers)
}

/**
 * Forks `count` generators that share the load (connections and rate split between them) and reports
 * as one: each (phase, second) is delivered once, merged exactly from all of them.
 */
export function startGenerators(
  config: GeneratorConfig,
  count: number,
  handlers: GeneratorHandlers,
  /**
   * Where the load goes, when it is not known yet: the processes start at once (Node and autocannon take
   * a few hundred ms to load) and get their config when the balancer is up. `config.targets` is ignored.
   */
  targets?: Promise<string[]>,
): GeneratorHandle {
  const n = generatorCount(config, count)
  const configs = Array.from({length: n}, (_, g) =>
    (targets ?? Promise.resolve(config.targets)).then((t) => splitConfig({...config, targets: t}, n)[g]),
  )
  const merger = n > 1 ? new SampleMerger(n) : undefined
  const started = new Set<string>()
  const ended = new Map<string, number>()
  let done = 0
  let failed = false

  const emitSamples = (samples: Sample[]) => {
    for (const s of samples) handlers.onSample?.(s)
  }
  const fail = (error: RunError) => {
    if (failed) return
    failed = true
    handlers.onError?.(error)
    for (const p of procs) p.kill()
  }

  const procs = configs.map((cfg, g) =>
    spawnOne(cfg, g, {
      onMessage(m) {
        switch (m.type) {
          case 'phase-start':
            // The first generator to start a phase starts it for the run.
            if (!started.has(m.phase)) {
              started.add(m.phase)
              handlers.onPhaseStart?.({phase: m.phase, measure: m.measure, epochMs: m.epochMs, timing: m.timing ?? 'actual-send'})
            }
            break
          case 'phase-end': {
            // …and the last one to end it ends it.
            const seen = (ended.get(m.phase) ?? 0) + 1
            ended.set(m.phase, seen)
            if (seen === n) handlers.onPhaseEnd?.({phase: m.phase, epochMs: m.epochMs})
            break
          }
          case 'sample':
            if (merger) emitSamples(merger.add(g, m.sample))
            else handlers.onSample?.(m.sample)
            break
          case 'usage':
            handlers.onUsage?.({cpuPct: m.cpuPct, elu: m.elu, generator: g, ...(m.lateMs ? {lateMs: m.lateMs} : {})})
            break
          case 'done':
            if (merger) emitSamples(merger.finish(g))
            if (++done === n) {
              if (merger) emitSamples(merger.flush())
              handlers.onDone?.()
            }
            break
          case 'error':
            fail(new RunError(`the load generator failed: ${m.message}`))
            break
        }
      },
      onUnexpectedExit: fail,
    }),
  )

  return {
    pids: procs.map((p) => p.pid),
    ready: Promise.all(procs.map((p) => p.ready)).then(() => undefined),
    exited: Promise.all(procs.map((p) => p.exited)).then(() => (failed ? {error: lastError(procs)} : {})),
    stop: (graceMs) => procs.forEach((p) => p.stop(graceMs)),
    kill: () => procs.forEach((p) => p.kill()),
  }
}

function lastError(procs: OneGenerator[]): RunError | undefined {
  return procs.map((p) => p.error).find((e) => e !== undefined)
}

interface OneGenerator {
  pid: number
  ready: Promise<void>
  exited: Promise<void>
  error: RunError | undefined
  stop(graceMs?: number): void
  kill(): void
}

function spawnOne(
  config: Promise<GeneratorConfig>,
  index: number,
  on: {onMessage(m: FromGenerator): void; onUnexpectedExit(e: RunError): void},
): OneGenerator {
  // Its stdout goes to our stderr: stdout belongs to `--json`.
  const child = new ForkedChild<ToGenerator, FromGenerator>({module: 'load/generator/main', output: 'stderr'})
  let markReady!: () => void
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  const one: OneGenerator = {
    pid: child.pid ?? -1,
    ready,
    exited: child.exited.then(() => undefined),
    error: undefined,
    stop(graceMs = stopGraceMs) {
      // Asked to stop, it may be killed after the grace: an end lbbench chose (a late generator is a
      // saturated one), not a part that broke. Whether it delivered its last sample is the caller's to judge.
      child.expectExit()
      void child.end({type: 'stop'}, graceMs)
    },
    kill() {
      child.expectExit()
      child.kill()
    },
  }
  child.onMessage((m) => {
    if (m.type === 'ready') markReady()
    // Once it said `done` (or why it failed), its exit is the end it announced.
    if (m.type === 'done') child.expectExit()
    if (m.type === 'error') {
      child.expectExit()
      one.error = new RunError(`the load generator failed: ${m.message}`)
    }
    on.onMessage(m)
  })
  child.process.on('error', (e) => {
    if (one.error) return
    one.error = new RunError(`the load generator could not be started: ${e.message}`)
    on.onUnexpectedExit(one.error)
  })
  child.onExit((exit, expected) => {
    markReady()
    if (expected) return
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`
    one.error = new RunError(`the load generator ${index > 0 ? `#${index + 1} ` : ''}exited unexpectedly (${how})`)
    on.onUnexpectedExit(one.error)
  })
  // No config ever (the balancer did not start): the run tears down and kills this process.
  config.then((c) => child.send({type: 'start', config: c})).catch(() => {})
  return one
}

/** How many generators share the load: as asked, but never more than the fewest connections of a phase. */
function generatorCount(config: GeneratorConfig, count: number): number {
  const fewestConnections = Math.min(...config.phases.map((p) => p.connections))
  return Math.max(1, Math.min(Math.floor(count), Number.isFinite(fewestConnections) ? fewestConnections : 1))
}

const splitEvenly = (total: number, parts: number, i: number): number => Math.floor(total / parts) + (i < total % parts ? 1 : 0)

/**
 * The configs of `count` generators sharing the load: connections split as evenly as whole numbers allow,
 * a rate split in proportion to them, targets rotated so that connection k overall still goes to target
 * k mod T as with one generator, and paced schedules moved so that the generators interleave. Never more
 * generators than connections.
 */
export function splitConfig(config: GeneratorConfig, count: number): GeneratorConfig[] {
  const n = generatorCount(config, count)
  if (n === 1) return [config]
  const out: GeneratorConfig[] = []
  let firstConnection = 0
  for (let g = 0; g < n; g++) {
    const phases = config.phases.map((p) => {
      const connections = splitEvenly(p.connections, n, g)
      const phase = {...p, connections}
      if (p.rate !== undefined) phase.rate = (p.rate * connections) / p.connections
      return phase
    })
    const shift = config.targets.length > 0 ? firstConnection % config.targets.length : 0
    out.push({
      ...config,
      phases,
      targets: [...config.targets.slice(shift), ...config.targets.slice(0, shift)],
      seed: deriveSeed(config.seed, `generator-${g}`),
      // Each generator's first request g × 1000 / R ms into the phase: the generators' schedules interleave.
      scheduleOffsetsMs: config.phases.map((p) => (p.rate ? (g * 1000) / p.rate : 0)),
    })
    firstConnection += phases[0]?.connections ?? 0
  }
  return out
}
