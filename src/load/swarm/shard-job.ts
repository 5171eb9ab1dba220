// `load.generators: {count: N, on: swarm}`: the run's load as the N shards of one Docker Swarm
// replicated job, each task one shard (load/shard-main.ts) of the lbbench image built here from the
// package, on host networking so that the run's loopback target is theirs too. They all start at one
// instant, set a lead time after the job is created. Their lines come back through the engine's service
// logs (each line tagged with its task, so that the tasks' outputs are told apart) and are merged live,
// as the local generators' are: each (phase, second) once every shard gave it, histograms added exactly.
// The handle is the local generators' (GeneratorHandle), so the run drives either the same way; killing
// it removes the job's service and then its containers by label, which removing a job can leave behind.

import type Dockerode from 'dockerode'
import {SampleMerger} from '../../metrics/merge-samples.js'
import {RunError} from '../../model/errors.js'
import type {GeneratorConfig} from '../../model/generator-messages.js'
import type {ShardLine, ShardRow} from '../../model/shard.js'
import {shardRow} from '../../metrics/merge-shards.js'
import type {Docker} from '../../replicas/docker/engine.js'
import {connectSwarmManager, createService, hostServiceSpec, runLabel, swarmNodeId} from '../../replicas/swarm/engine.js'
import {splitConfig, type GeneratorHandle, type GeneratorHandlers} from '../generator-client.js'
import type {SwarmShardSpec} from '../shard-main.js'
import {ShardReader} from '../shard-file.js'
import {ensureLbbenchImage} from './lbbench-image.js'
import {followServiceLines} from './service-lines.js'

/** The label that tells a run's shard tasks from its other services (swarm replicas carry the run label too). */
export const shardsLabel = 'lbbench.shards'

export interface SwarmShardsOptions {
  config: GeneratorConfig
  count: number
  runId: string
  scenarioHash: string
  lbbench: string
  /** From the job's creation to the common start instant: time for the tasks to boot and load. */
  leadMs: number
  log: (line: string) => void
  /** Each shard's end: its row of the report, and its event-loop utilisation. */
  onShardEnd?(row: ShardRow, elu: number): void
}

export function startSwarmShards(o: SwarmShardsOptions, handlers: GeneratorHandlers, targets: Promise<string[]>): GeneratorHandle {
  const engine = connectSwarmManager().then(async (docker) => ({docker, imageId: await ensureLbbenchImage(docker, o.log), nodeId: await swarmNodeId(docker)}))
  const job = new ShardJob(o, handlers)
  const started = Promise.all([engine, targets]).then(([e, t]) => job.start(e.docker, e.imageId, e.nodeId, t))
  started.catch((e: Error) => handlers.onError?.(e instanceof RunError ? e : new RunError(`the swarm shards could not be started: ${e.message}`)))
  let removed: Promise<void> | undefined
  const remove = () => (removed ??= engine.then((e) => job.remove(e.docker)).catch(() => {}))
  return {
    pids: [],
    ready: engine.then(() => undefined, () => undefined),
    exited: job.finished.then(() => remove()).then(() => (job.error ? {error: job.error} : {})),
    stop: () => void engine.then((e) => job.stop(e.docker)).catch(() => {}),
    kill: () => {
      job.abandon()
      void remove()
    },
  }
}

class ShardJob {
  private service?: Dockerode.Service
  private readonly readers = new Map<string, ShardReader>()
  private readonly indexOf = new Map<string, number>()
  private readonly shiftOf = new Map<number, number>()
  private readonly started = new Set<string>()
  private readonly ended = new Map<string, number>()
  private merger!: SampleMerger
  private n = 0
  private done = 0
  private startAt = 0
  private closeLogs?: () => void
  private markFinished!: () => void
  readonly finished = new Promise<void>((resolve) => (this.markFinished = resolve))
  error?: RunError

  constructor(private readonly o: SwarmShardsOptions, private readonly on: GeneratorHandlers) {}

  async start(docker: Docker, imageId: string, nodeId: string, targets: string[]): Promise<void> {
    if (targets.length !== 1) throw new RunError(`swarm shards send to one target; this run has ${targets.length}`)
    const configs = splitConfig({...this.o.config, targets}, this.o.count)
    this.n = configs.length
    this.merger = new SampleMerger(this.n)
    this.startAt = Date.now() + this.o.leadMs
    const spec: SwarmShardSpec = {configs, start: {of: this.n, startAt: this.startAt, target: targets[0], maxLateMs: 10_000, lbbench: this.o.lbbench, scenarioHash: this.o.scenarioHash, seed: this.o.config.seed}}
    this.service = await createService(docker, hostServiceSpec({
      name: `lbbench-shards-${this.o.runId}`.slice(0, 63),
      runId: this.o.runId,
      imageId,
      env: {LBBENCH_SHARD: JSON.stringify(spec), LBBENCH_SHARD_SLOT: '{{.Task.Slot}}'},
      command: ['node', '/lbbench/dist/load/shard-main.js'],
      labels: {[shardsLabel]: '1'},
      mode: {ReplicatedJob: {MaxConcurrent: this.n, TotalCompletions: this.n}},
      restart: {Condition: 'none'},
      nodeId,
    }))
    this.o.log(`${this.n} load shards in swarm job ${this.service.id.slice(0, 12)}, starting at ${new Date(this.startAt).toISOString()}`)
    this.closeLogs = await followServiceLines(docker, this.service.id, {
      line: (task, text, lineNo) => this.onLine(task, text, lineNo),
      error: (task, text) => this.o.log(`shard task ${task.slice(0, 12)}: ${text}`),
      end: () => this.fail(`the swarm shards' logs ended before ${this.n - this.done} of them finished`),
    })
  }

  private onLine(task: string, text: string, lineNo: number): void {
    let reader = this.readers.get(task)
    if (!reader) this.readers.set(task, (reader = new ShardReader(`swarm task ${task.slice(0, 12)}`)))
    let line: ShardLine | undefined
    try {
      line = reader.add(text, lineNo)
    } catch (e) {
      return this.fail((e as Error).message)
    }
    if (line) this.dispatch(task, line)
  }

  private dispatch(task: string, line: ShardLine): void {
    if (line.type === 'shard') {
      if ([...this.indexOf.values()].includes(line.index)) return this.fail(`two swarm tasks are shard ${line.index}`)
      this.indexOf.set(task, line.index)
      return
    }
    const index = this.indexOf.get(task) ?? 0
    switch (line.type) {
      case 'phase-start':
        // The shard's seconds are moved onto the common clock by the whole seconds it started late.
        if (!this.shiftOf.has(index)) this.shiftOf.set(index, Math.round((line.epochMs - this.startAt) / 1000))
        if (this.started.has(line.phase)) return
        this.started.add(line.phase)
        return this.on.onPhaseStart?.({phase: line.phase, measure: line.measure, epochMs: line.epochMs, timing: line.timing})
      case 'phase-end': {
        const seen = (this.ended.get(line.phase) ?? 0) + 1
        this.ended.set(line.phase, seen)
        if (seen === this.n) this.on.onPhaseEnd?.({phase: line.phase, epochMs: line.epochMs})
        return
      }
      case 'sample': {
        const shift = this.shiftOf.get(index) ?? 0
        return this.emit(this.merger.add(index, shift ? {...line.sample, second: line.sample.second + shift} : line.sample))
      }
      case 'end':
        return this.onEnd(task, index, line)
    }
  }

  private onEnd(task: string, index: number, end: Extract<ShardLine, {type: 'end'}>): void {
    const record = this.readers.get(task)?.record
    this.on.onUsage?.({cpuPct: end.cpuPct, elu: end.elu, generator: index})
    if (record) this.o.onShardEnd?.(shardRow(record.header, record.samples, end), end.elu)
    this.emit(this.merger.finish(index))
    if (++this.done < this.n) return
    this.emit(this.merger.flush())
    this.closeLogs?.()
    this.on.onDone?.()
    this.markFinished()
  }

  private emit(samples: ReturnType<SampleMerger['flush']>): void {
    for (const s of samples) this.on.onSample?.(s)
  }

  private fail(message: string): void {
    if (this.error || this.done === this.n) return
    this.error = new RunError(`the swarm load shards failed: ${message}`)
    this.on.onError?.(this.error)
    this.abandon()
  }

  /** Nothing more is read: the run is ending. */
  abandon(): void {
    this.closeLogs?.()
    this.markFinished()
  }

  /** Asks every shard to stop (SIGTERM): each sends its last sample and its end line. */
  async stop(docker: Docker): Promise<void> {
    for (const c of await this.containers(docker, false)) await docker.getContainer(c.Id).kill({signal: 'SIGTERM'}).catch(() => {})
  }

  /** The job's service, then every container of it, until none is left. */
  async remove(docker: Docker): Promise<void> {
    await this.service?.remove().catch(() => {})
    const until = Date.now() + 5000
    for (;;) {
      const left = await this.containers(docker, true)
      await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({force: true}).catch(() => {})))
      if (left.length === 0 || Date.now() > until) return
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  private containers(docker: Docker, all: boolean): Promise<Dockerode.ContainerInfo[]> {
    return docker.listContainers({all, filters: {label: [`${runLabel}=${this.o.runId}`, `${shardsLabel}=1`]}})
  }
}
