// Replicas as Docker containers: `count` containers of an image (the built-in app's `lbbench-hello`, a
// named image, or one built from a folder), with host networking so each listens on its own port on
// 127.0.0.1 and all traffic stays on loopback. Faults go through the Engine API: kill, stop, pause,
// unpause, start. Containers carry labels naming the run and the orchestrator's pid, so `lbbench clean`
// can find the ones a crashed orchestrator left behind.

import {EventEmitter} from 'node:events'
import {createWriteStream, type WriteStream} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {randomBytes} from 'node:crypto'
import {constants, hostname} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import type Dockerode from 'dockerode'
import {RunError} from '../model/errors.js'
import {deriveSeed} from '../model/random.js'
import {processStartTime} from '../process/processes-of-run.js'
import {behaviourOf} from './behaviour-of.js'
import {replicaIds, type ReplicasSpec} from '../model/scenario.js'
import {ensureAppImage} from './docker/app-image.js'
import {appImage, runsBuiltinApp} from './docker/app-image-name.js'
import {ensureFolderImage} from './docker/build-folder.js'
import {connectDocker, followProgress, imageExists, type Docker} from './docker/engine.js'
import {signalContainer, stateAfter, tolerant, unpauseIfPaused} from './docker/container-calls.js'
import {sendControl} from './docker/control-channel.js'
import {freePort, releasePort} from '../process/free-port.js'
import {fixedPortOf} from './fixed-ports.js'
import {shareStart, tailOfLog, waitUntilReady} from './readiness.js'
import type {BehaviourChange, ReplicaInfo, ReplicaSet, ReplicaSetEvents, ReplicaSetOptions} from './replica-set.js'

/** Seconds `docker stop` gives a container before SIGKILL (the terminate fault, a restart, a stop). */
const stopSeconds = 5

/** Labels on every container of a run (read by `lbbench clean`). */
export const runLabel = 'lbbench.run'
export const replicaLabel = 'lbbench.replica'
export const pidLabel = 'lbbench.pid'
export const pidStartLabel = 'lbbench.pidstart'
/** The orchestrator's host: its pid means nothing on another machine using the same (remote) engine. */
export const hostLabel = 'lbbench.host'

interface Slot {
  id: string
  port: number
  controlPort?: number
  state: ReplicaInfo['state']
  container?: Dockerode.Container
  containerId?: string
  pid?: number
  /** A start or restart in progress: a second restart() joins it. */
  starting?: Promise<ReplicaInfo>
  /** The Engine API calls that start the container (attach, start, inspect), while they are in flight. */
  startCall?: Promise<unknown>
  /** Why the current generation's container ended, once it has. */
  exitDetail?: string
  generation: number
  /** Settles once the current container's exit has been handled (its `exit` event emitted). */
  exitHandled?: Promise<void>
  logFile: string
  log?: WriteStream
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]))

/** Docker reports a signal death as 128 + the signal's number. */
export function describeContainerExit(code: number): string {
  const signal = code > 128 ? signalNames.get(code - 128) : undefined
  return signal ? `killed by ${signal} (exit code ${code})` : `exited with code ${code}`
}

export class DockerReplicaSet extends EventEmitter<ReplicaSetEvents> implements ReplicaSet {
  readonly kind = 'docker'
  private readonly spec: ReplicasSpec
  private readonly builtinApp: boolean
  private readonly token = randomBytes(16).toString('hex')
  private readonly slots = new Map<string, Slot>()
  private docker?: Docker
  private image?: string
  private stopping?: Promise<void>
  /** The containers being created (start-up), which stop() waits for. */
  private creating?: Promise<void>

  constructor(private readonly opts: ReplicaSetOptions) {
    super()
    this.spec = opts.loaded.scenario.replicas
    this.builtinApp = runsBuiltinApp(this.spec)
  }

  async start(): Promise<ReplicaInfo[]> {
    const docker = (this.docker = await connectDocker())
    try {
      this.image = await this.resolveImage(docker)
      const logDir = join(this.opts.runDir, 'replicas')
      await mkdir(logDir, {recursive: true, mode: 0o700})
      this.creating = this.createContainers(docker, logDir)
      await this.creating
      const results = await Promise.allSettled([...this.slots.values()].map((slot) => this.launch(slot)))
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
    } catch (err) {
      await this.stop()
      if (err instanceof RunError) throw err
      throw new RunError(`docker replicas could not be started: ${(err as Error).message}`)
    }
    return this.list()
  }

  /** One container per replica, not started yet. Stops early when the run is stopping. */
  private async createContainers(docker: Docker, logDir: string): Promise<void> {
    for (const id of replicaIds(this.opts.loaded.scenario)) {
      // Ctrl-C during start-up: a container created after stop() listed the run's ones would be left.
      if (this.stopping) throw new RunError('docker replicas were not started: the run is stopping')
      const slot: Slot = {id, port: fixedPortOf(this.opts.loaded.scenario.replicas, id) ?? (await freePort()), state: 'starting', generation: 0, logFile: join(logDir, `${id}.log`)}
      if (this.builtinApp) slot.controlPort = await freePort()
      slot.log = createWriteStream(slot.logFile, {flags: 'a', mode: 0o600})
      // Output that arrives after stop() closed the file is dropped, not an unhandled 'error'.
      slot.log.on('error', () => {})
      this.slots.set(id, slot)
      const container = await docker.createContainer({
        name: `lbbench-${this.opts.runId}-${id}`,
        Image: this.image,
        Env: Object.entries(this.envOf(slot)).map(([k, v]) => `${k}=${v}`),
        Labels: {
          [runLabel]: this.opts.runId,
          [replicaLabel]: id,
          [pidLabel]: String(process.pid),
          [pidStartLabel]: String(processStartTime(process.pid) ?? ''),
          [hostLabel]: hostname(),
        },
        HostConfig: {NetworkMode: 'host'},
      })
      slot.container = container
      slot.containerId = container.id
    }
  }

  list(): ReplicaInfo[] {
    return [...this.slots.values()].map((s) => ({
      id: s.id,
      host: '127.0.0.1',
      port: s.port,
      state: s.state,
      ...(s.pid && s.state !== 'exited' ? {pid: s.pid} : {}),
      ...(s.containerId ? {containerId: s.containerId} : {}),
    }))
  }

  pids(): number[] {
    return [...this.slots.values()].flatMap((s) => (s.pid && s.state !== 'exited' ? [s.pid] : []))
  }

  async signal(id: string, signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const slot = this.slot(id)
    const c = slot.container
    if (!c || slot.state === 'exited') return
    await signalContainer(c, signal, stopSeconds)
    slot.state = stateAfter(slot.state, signal)
  }

  async restart(id: string): Promise<ReplicaInfo> {
    const slot = this.slot(id)
    if (slot.starting) return slot.starting
    if (slot.container && slot.state !== 'exited') {
      await unpauseIfPaused(slot.container)
      await tolerant(slot.container.stop({t: stopSeconds}), [304, 404, 409])
      await slot.exitHandled
      if (slot.starting) return slot.starting
    }
    return this.launch(slot)
  }

  async control(id: string, change: BehaviourChange): Promise<void> {
    const slot = this.slot(id)
    if (!this.builtinApp || !slot.controlPort) {
      throw new RunError(
        `slow, fail and hang faults need the built-in app, which has a control channel; replica ${id} runs the image ` +
          `${this.image ?? this.spec.image ?? this.spec.build}. Use image: ${appImage} for these faults.`,
      )
    }
    const status = await sendControl(slot.controlPort, this.token, change)
    if (status !== 204) throw new RunError(`replica ${id} did not take the behaviour change: ${status}`)
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // A container being created now is listed below only once its creation has finished, and one being
      // started is removed once the start call has returned. Readiness is not waited for: the wait sees
      // the run stopping, and the CLI's hard exit after a signal must not come before the removal.
      await this.creating?.catch(() => {})
      await Promise.allSettled([...this.slots.values()].flatMap((s) => (s.startCall ? [s.startCall] : [])))
      const docker = this.docker
      if (docker) {
        // Every container of the run, also one created just before a failure took its slot with it.
        const ours = await docker
          .listContainers({all: true, filters: {label: [`${runLabel}=${this.opts.runId}`]}})
          .catch(() => [] as Dockerode.ContainerInfo[])
        const ids = new Set([...ours.map((c) => c.Id), ...[...this.slots.values()].flatMap((s) => (s.containerId ? [s.containerId] : []))])
        await Promise.all([...ids].map((cid) => tolerant(docker.getContainer(cid).remove({force: true}), [404, 409])))
      }
      for (const s of this.slots.values()) {
        s.state = 'exited'
        releasePort(s.port)
        if (s.controlPort) releasePort(s.controlPort)
        await new Promise<void>((r) => (s.log ? s.log.end(r) : r()))
      }
    })()
    return this.stopping
  }

  private slot(id: string): Slot {
    const slot = this.slots.get(id)
    if (!slot) throw new RunError(`no replica named ${id} (replicas are ${[...this.slots.keys()].join(', ')})`)
    return slot
  }

  private async resolveImage(docker: Docker): Promise<string> {
    if (this.builtinApp) {
      await ensureAppImage(docker, {log: this.opts.log})
      return appImage
    }
    if (this.spec.build) {
      const folder = resolve(dirname(resolve(this.opts.loaded.file)), this.spec.build)
      return ensureFolderImage(docker, folder, this.opts.log)
    }
    const image = this.spec.image!
    if (!(await imageExists(docker, image))) {
      this.opts.log(`pulling ${image}`)
      try {
        await followProgress(docker, await docker.pull(image))
      } catch (err) {
        throw new RunError(`image ${image} is not on the engine and could not be pulled: ${(err as Error).message}`)
      }
    }
    return image
  }

  private envOf(slot: Slot): Record<string, string> {
    const env: Record<string, string> = {
      ...this.spec.env,
      PORT: String(slot.port),
      REPLICA: slot.id,
      HOST: '127.0.0.1',
      LBBENCH_RUN_ID: this.opts.runId,
    }
    if (this.builtinApp) {
      const s = this.opts.loaded.scenario
      env.LBBENCH_APP = JSON.stringify(behaviourOf(s, slot.id))
      env.LBBENCH_SEED = String(deriveSeed(s.seed, `app-${slot.id}`))
      env.LBBENCH_CONTROL_PORT = String(slot.controlPort)
      env.LBBENCH_CONTROL_TOKEN = this.token
    }
    return env
  }

  /** Starts the slot's container (again) and resolves once it is ready. */
  private launch(slot: Slot): Promise<ReplicaInfo> {
    const run = async (): Promise<ReplicaInfo> => {
      if (this.stopping) throw new RunError(`replica ${slot.id} was not started: the run is stopping`)
      const c = slot.container!
      slot.state = 'starting'
      slot.exitDetail = undefined
      const generation = ++slot.generation
      slot.log!.write(`--- lbbench: ${slot.id}: container ${c.id.slice(0, 12)} of ${this.image} (port ${slot.port}, ${new Date().toISOString()})\n`)
      const startCall = (slot.startCall = this.startContainer(slot, c))
      await startCall.finally(() => (slot.startCall = undefined))
      slot.exitHandled = this.watchExit(slot, c, generation)
      try {
        await waitUntilReady({
          port: slot.port,
          path: this.spec.ready.path ?? (this.builtinApp ? '/' : undefined),
          timeoutMs: this.spec.ready.timeout,
          gone: () => slot.exitDetail ?? (this.stopping ? 'the run is stopping' : undefined),
        })
      } catch (err) {
        await tolerant(c.kill({signal: 'SIGKILL'}), [404, 409])
        slot.state = 'exited'
        const tail = await tailOfLog(slot.logFile)
        throw new RunError(
          `replica ${slot.id} did not become ready: ${(err as Error).message}\n  image: ${this.image}\n` +
            `--- last lines of ${slot.logFile} ---\n${tail}`,
        )
      }
      slot.state = 'up'
      const info = this.list().find((r) => r.id === slot.id)!
      this.emit('ready', info)
      return info
    }
    return shareStart(slot, run)
  }

  /** Attaches the slot's log to the container and starts it; its pid once started. */
  private async startContainer(slot: Slot, c: Dockerode.Container): Promise<void> {
    // Attached before start, so the log has everything from the first line and nothing twice.
    const output = (await c.attach({stream: true, stdout: true, stderr: true})) as NodeJS.ReadableStream
    this.docker!.modem.demuxStream(output, slot.log!, slot.log!)
    output.once('end', () => output.removeAllListeners('data'))
    try {
      await c.start()
      slot.pid = (await c.inspect()).State.Pid || undefined
    } catch (err) {
      slot.state = 'exited'
      ;(output as unknown as {destroy?: () => void}).destroy?.()
      throw new RunError(`replica ${slot.id}: the container could not be started: ${(err as Error).message}`)
    }
  }

  private async watchExit(slot: Slot, c: Dockerode.Container, generation: number): Promise<void> {
    let detail: string
    try {
      const result = (await c.wait()) as {StatusCode: number}
      detail = describeContainerExit(result.StatusCode)
    } catch (err) {
      detail = `gone (${(err as Error).message})`
    }
    if (slot.generation !== generation) return
    slot.exitDetail = detail
    const wasRunning = slot.state === 'up' || slot.state === 'paused'
    slot.state = 'exited'
    if (!wasRunning || this.stopping) return
    // restart: on-failure is the orchestrator's decision (it knows which exits a fault caused).
    this.emit('exit', slot.id, detail)
  }
}
