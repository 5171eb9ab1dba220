// Replicas as the tasks of one Docker Swarm service: replica rN is the service's slot N. Swarm starts,
// restarts (after the scenario's restartDelay), rolls over and scales the tasks; lbbench follows them
// through the engine's container events (task-events.ts), puts those on the timeline at the engine's
// time, and reports a slot as ready once its new task answers, so the balancer gets it back. Faults act
// on a slot's current task container (kill, stop, pause, unpause) or on the service (update, scale); the
// built-in app's behaviour changes go through its control channel. Stopping removes the service, then
// any container still carrying the run's label.
import {EventEmitter} from 'node:events'
import type {WriteStream} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import type Dockerode from 'dockerode'
import {RunError} from '../model/errors.js'
import {freePort, releasePort} from '../process/free-port.js'
import {describeContainerExit} from './docker.js'
import {signalContainer, stateAfter} from './docker/container-calls.js'
import {sendControl} from './docker/control-channel.js'
import type {Docker} from './docker/engine.js'
import {tailOfLog, waitUntilReady} from './readiness.js'
import type {BehaviourChange, ReplicaInfo, ReplicaSet, ReplicaSetEvents, ReplicaSetOptions} from './replica-set.js'
import {connectSwarmManager, createService, removeRun, swarmNodeId} from './swarm/engine.js'
import {serviceImage, type ServiceImage} from './swarm/image.js'
import {replicaServiceSpec} from './swarm/service-spec.js'
import {followTaskEvents, type TaskEvent} from './swarm/task-events.js'
import {followTaskLog, openSlotLog} from './swarm/task-log.js'
import {rollOver, scaleService, slotsReached} from './swarm/service-ops.js'

/** Seconds `docker stop` gives a task's container before SIGKILL (terminate, restart). */
const stopSeconds = 5

interface Slot {
  id: string
  slot: number
  port: number
  controlPort?: number
  state: ReplicaInfo['state']
  containerId?: string
  taskId?: string
  /** The engine reported the current task unhealthy: its end is a health-triggered replacement. */
  unhealthy?: boolean
  logFile: string
  log: WriteStream
}

export class SwarmReplicaSet extends EventEmitter<ReplicaSetEvents> implements ReplicaSet {
  readonly kind = 'swarm'
  /** restart() replaces a live task itself (Swarm starts the new one). */
  readonly restartsLive = true
  private readonly token = randomBytes(16).toString('hex')
  private readonly slots = new Map<string, Slot>()
  private docker?: Docker
  private image?: ServiceImage
  private service?: Dockerode.Service
  private stopEvents?: () => void
  private stopping?: Promise<void>
  /** The service being created, which stop() waits for (a service created after it removed the run's would be left). */
  private creating?: Promise<Dockerode.Service>

  constructor(private readonly opts: ReplicaSetOptions) {
    super()
  }

  private get spec() {
    return this.opts.loaded.scenario.replicas
  }

  async start(): Promise<ReplicaInfo[]> {
    try {
      const docker = (this.docker = await connectSwarmManager())
      this.image = await serviceImage(docker, this.spec, this.opts.loaded.file, this.opts.log)
      await this.makeSlots()
      this.stopEvents = await followTaskEvents(docker, this.opts.runId, Date.now(), (e) => this.onTask(e))
      if (this.stopping) throw new RunError('swarm replicas were not started: the run is stopping')
      const spec = replicaServiceSpec({
        runId: this.opts.runId, scenario: this.opts.loaded.scenario, imageId: this.image.id, builtinApp: this.image.builtinApp,
        imageCommand: this.image.command, slots: [...this.slots.values()], token: this.token, nodeId: await swarmNodeId(docker),
      })
      this.creating = createService(docker, spec)
      this.service = await this.creating
      await this.whenUp([...this.slots.values()].slice(0, this.spec.count), this.spec.ready.timeout)
    } catch (err) {
      await this.stop()
      if (err instanceof RunError) throw err
      throw new RunError(`swarm replicas could not be started: ${(err as Error).message}`)
    }
    return this.list()
  }

  /** A port (and the built-in app's control port) for every slot the run may reach, scale faults included. */
  private async makeSlots(): Promise<void> {
    const logDir = join(this.opts.runDir, 'replicas')
    await mkdir(logDir, {recursive: true, mode: 0o700})
    for (let n = 1; n <= slotsReached(this.opts.loaded.scenario); n++) {
      const id = `r${n}`
      const logFile = join(logDir, `${id}.log`)
      const slot: Slot = {id, slot: n, port: await freePort(), state: n <= this.spec.count ? 'starting' : 'exited', logFile, log: openSlotLog(logFile)}
      if (this.image?.builtinApp) slot.controlPort = await freePort()
      this.slots.set(id, slot)
    }
  }

  /** Resolves once every slot given is up; RunError with the first laggard's log otherwise. */
  private async whenUp(slots: Slot[], timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs
    for (;;) {
      if (this.stopping) throw new RunError('swarm replicas were not started: the run is stopping')
      const late = slots.find((s) => s.state !== 'up')
      if (!late) return
      if (Date.now() > until) {
        throw new RunError(
          `replica ${late.id} (slot ${late.slot} of the swarm service) did not become ready within ${timeoutMs / 1000} s on port ${late.port}\n` +
            `  image: ${this.image?.name}\n--- last lines of ${late.logFile} ---\n${await tailOfLog(late.logFile)}`,
        )
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** What a task event means for its slot: a new container, one that answers, one that ended. */
  private onTask(e: TaskEvent): void {
    const slot = this.slots.get(`r${e.slot}`)
    if (!slot || this.stopping) return
    const current = e.containerId === slot.containerId
    if (e.action === 'create') {
      // A rolling update creates the new task's container before it stops the old one: the slot's
      // container is the one that runs, from its start on.
      this.emit('engine', slot.id, 'task-create', `task ${e.taskId.slice(0, 12)}`, e.epochMs)
    } else if (e.action === 'start') {
      slot.containerId = e.containerId
      slot.taskId = e.taskId
      slot.unhealthy = false
      slot.state = 'starting'
      this.emit('engine', slot.id, 'task-start', `task ${e.taskId.slice(0, 12)}`, e.epochMs)
      void followTaskLog(this.docker!, e.containerId, `${slot.id}: task ${e.taskId.slice(0, 12)} of ${this.image?.name} (port ${slot.port})`, slot.log)
      this.probe(slot, e.containerId)
    } else if (e.action === 'die') {
      const detail = describeContainerExit(Number(e.detail ?? 0)) + (slot.unhealthy ? ', replaced after the engine found it unhealthy' : '')
      this.emit('engine', slot.id, 'task-die', `task ${e.taskId.slice(0, 12)} ${detail}`, e.epochMs)
      if (current) void this.ended(slot, detail, e.taskId)
    } else if (e.action === 'kill' && current) {
      this.emit('engine', slot.id, 'task-kill', `task ${e.taskId.slice(0, 12)} sent signal ${e.detail ?? '?'}`, e.epochMs)
    } else if (e.action === 'health' && current) {
      slot.unhealthy = e.detail === 'unhealthy'
      this.emit('engine', slot.id, `task-${e.detail ?? 'health'}`, `task ${e.taskId.slice(0, 12)}`, e.epochMs)
    } else if (e.action === 'pause' && current && slot.state === 'up') slot.state = 'paused'
    else if (e.action === 'unpause' && current && slot.state === 'paused') slot.state = 'up'
  }

  /** The slot's task ended: an exit the run sees, planned when Swarm retired the task (an update, a scale-in), not when it found it unhealthy. */
  private async ended(slot: Slot, detail: string, taskId: string): Promise<void> {
    const wasRunning = slot.state === 'up' || slot.state === 'paused'
    slot.state = 'exited'
    if (!wasRunning || this.stopping) return
    let planned = false
    // A task Swarm replaced because its health check failed is shut down by Swarm too, but is a failure.
    if (!slot.unhealthy) {
      const task = (await this.docker!.getTask(taskId).inspect().catch(() => undefined)) as {DesiredState?: string} | undefined
      planned = task?.DesiredState !== undefined && task.DesiredState !== 'running'
    }
    this.emit('exit', slot.id, detail, planned)
  }

  /** The slot is up once its new task answers; a task that never does is Swarm's to replace. */
  private probe(slot: Slot, containerId: string): void {
    waitUntilReady({
      port: slot.port,
      path: this.spec.ready.path,
      timeoutMs: this.spec.ready.timeout,
      gone: () => (this.stopping ? 'the run is stopping' : slot.containerId !== containerId || slot.state === 'exited' ? 'its task ended' : undefined),
    }).then(
      () => {
        if (slot.containerId !== containerId || this.stopping || slot.state !== 'starting') return
        slot.state = 'up'
        this.emit('ready', this.info(slot))
      },
      () => {},
    )
  }

  private info(s: Slot): ReplicaInfo {
    return {id: s.id, host: '127.0.0.1', port: s.port, state: s.state, ...(s.containerId ? {containerId: s.containerId} : {})}
  }

  list(): ReplicaInfo[] {
    return [...this.slots.values()].map((s) => this.info(s))
  }

  /** Task processes live in the engine's pid namespace: none is this machine's to signal. */
  pids(): number[] {
    return []
  }

  async signal(id: string, signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const slot = this.slot(id)
    if (!slot.containerId || slot.state === 'exited') return
    const c = this.docker!.getContainer(slot.containerId)
    await signalContainer(c, signal, stopSeconds)
    slot.state = stateAfter(slot.state, signal)
  }

  /** Stops a live task (Swarm starts its replacement) and resolves once the slot answers again. */
  async restart(id: string): Promise<ReplicaInfo> {
    const slot = this.slot(id)
    const before = slot.containerId
    if (slot.state !== 'exited') await this.signal(id, 'SIGTERM')
    const waitMs = this.spec.ready.timeout + (this.spec.restartDelay ?? 5000) + stopSeconds * 1000
    const until = Date.now() + waitMs
    while (!(slot.state === 'up' && slot.containerId !== before)) {
      if (this.stopping) throw new RunError(`replica ${id} was not restarted: the run is stopping`)
      if (Date.now() > until) throw new RunError(`replica ${id}: Swarm had no new task serving within ${waitMs / 1000} s`)
      await new Promise((r) => setTimeout(r, 50))
    }
    return this.info(slot)
  }

  async control(id: string, change: BehaviourChange): Promise<void> {
    const slot = this.slot(id)
    if (!slot.controlPort) {
      throw new RunError(
        `slow, fail and hang faults need the built-in app, which has a control channel; replica ${id} runs the image ${this.image?.name}. Use image: lbbench-hello for these faults.`,
      )
    }
    const status = await sendControl(slot.controlPort, this.token, change)
    if (status !== 204) throw new RunError(`replica ${id} did not take the behaviour change: ${status}`)
  }

  update(): Promise<{epochMs: number; detail: string}> {
    return rollOver(this.docker!, this.service!, () => this.stopping !== undefined)
  }

  async scale(count: number): Promise<void> {
    if (count > this.slots.size) throw new RunError(`scale to ${count}: the run has ports for ${this.slots.size} slots`)
    await scaleService(this.service!, count)
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopEvents?.()
      await this.creating?.catch(() => {})
      if (this.docker) await removeRun(this.docker, this.opts.runId)
      for (const s of this.slots.values()) {
        s.state = 'exited'
        releasePort(s.port)
        if (s.controlPort) releasePort(s.controlPort)
        await new Promise<void>((r) => s.log.end(r))
      }
    })()
    return this.stopping
  }

  private slot(id: string): Slot {
    const slot = this.slots.get(id)
    if (!slot) throw new RunError(`no replica named ${id} (replicas are ${[...this.slots.keys()].join(', ')})`)
    return slot
  }
}
