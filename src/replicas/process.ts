// Replicas as processes: any command, started `count` times through /bin/sh, each in its own process
// group behind an orphan guard (so a SIGKILLed orchestrator does not leave them), each on a port chosen
// here and passed as PORT. Faults act on the whole group: a shell and everything it started.

import {EventEmitter} from 'node:events'
import {appendFileSync} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {RunError} from '../model/errors.js'
import {groupMembers} from '../process/process-group.js'
import {spawnGuarded, type GuardedProcess} from '../process/guarded-spawn.js'
import {describeExit} from '../process/program-exit.js'
import {replicaIds, type ReplicasSpec} from '../model/scenario.js'
import {freePort, releasePort} from '../process/free-port.js'
import {fixedPortOf} from './fixed-ports.js'
import {shareStart, tailOfLog, waitUntilReady} from './readiness.js'
import type {BehaviourChange, ReplicaInfo, ReplicaSet, ReplicaSetEvents, ReplicaSetOptions} from './replica-set.js'

/** How long a replica gets to end on SIGTERM at the end of a run before its group is SIGKILLed. */
const stopGraceMs = 3000

interface Slot {
  id: string
  port: number
  state: ReplicaInfo['state']
  proc?: GuardedProcess
  /** A start or restart in progress: a second restart() joins it. */
  starting?: Promise<ReplicaInfo>
  logFile: string
  /** Settles once the current process's exit has been handled (its `exit` event emitted). */
  exitHandled?: Promise<void>
}

/** `$PORT`, `${PORT}`, `$REPLICA`, `${REPLICA}` replaced, so they work inside single quotes too. */
export function substituteCommand(command: string, vars: {PORT: string; REPLICA: string}): string {
  return command.replace(/\$(?:\{(PORT|REPLICA)\}|(PORT|REPLICA)(?![A-Za-z0-9_]))/g, (_m, braced, bare) => vars[(braced ?? bare) as 'PORT' | 'REPLICA'])
}

async function groupGone(pgid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
}

export class ProcessReplicaSet extends EventEmitter<ReplicaSetEvents> implements ReplicaSet {
  readonly kind = 'process'
  private readonly spec: ReplicasSpec
  private readonly cwd: string
  private readonly slots = new Map<string, Slot>()
  private stopping?: Promise<void>

  constructor(private readonly opts: ReplicaSetOptions) {
    super()
    this.spec = opts.loaded.scenario.replicas
    if (!this.spec.command) throw new RunError('replicas.kind is process but replicas.command is missing')
    // Relative to the scenario file, like every other path in it; absent = the scenario's own folder.
    this.cwd = resolve(dirname(resolve(opts.loaded.file)), this.spec.cwd ?? '.')
  }

  async start(): Promise<ReplicaInfo[]> {
    const logDir = join(this.opts.runDir, 'replicas')
    await mkdir(logDir, {recursive: true, mode: 0o700})
    for (const id of replicaIds(this.opts.loaded.scenario)) {
      this.slots.set(id, {id, port: fixedPortOf(this.spec, id) ?? (await freePort()), state: 'starting', logFile: join(logDir, `${id}.log`)})
    }
    const results = await Promise.allSettled([...this.slots.values()].map((slot) => this.launch(slot)))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) {
      await this.stop()
      throw failed.reason
    }
    return this.list()
  }

  list(): ReplicaInfo[] {
    return [...this.slots.values()].map((s) => ({
      id: s.id,
      host: '127.0.0.1',
      port: s.port,
      state: s.state,
      ...(s.proc && !s.proc.hasExited ? {pid: s.proc.pid} : {}),
    }))
  }

  pids(): number[] {
    return [...this.slots.values()].flatMap((s) => (s.proc && !s.proc.hasExited ? s.proc.pids() : []))
  }

  async signal(id: string, signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const slot = this.slot(id)
    if (!slot.proc || slot.proc.hasExited) return
    slot.proc.signal(signal)
    if (signal === 'SIGSTOP' && slot.state === 'up') slot.state = 'paused'
    if (signal === 'SIGCONT' && slot.state === 'paused') slot.state = 'up'
  }

  async restart(id: string): Promise<ReplicaInfo> {
    const slot = this.slot(id)
    if (slot.starting) return slot.starting
    if (slot.proc && !slot.proc.hasExited) {
      slot.proc.signal('SIGCONT')
      await slot.proc.stop({graceMs: stopGraceMs})
      await slot.exitHandled
      if (slot.starting) return slot.starting
    }
    return this.launch(slot)
  }

  async control(id: string, _change: BehaviourChange): Promise<void> {
    this.slot(id)
    throw new RunError(
      `slow, fail and hang faults need the built-in app, which has a control channel; replica ${id} runs a command ` +
        `(${this.spec.command}). Use replicas.kind cluster, or docker with the lbbench-hello image, for these faults.`,
    )
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // Starts in progress first: a replica that comes up during stop() must be stopped too.
      await Promise.allSettled([...this.slots.values()].flatMap((s) => (s.starting ? [s.starting] : [])))
      await Promise.all(
        [...this.slots.values()].map(async (s) => {
          if (s.proc && !s.proc.hasExited) {
            s.proc.signal('SIGCONT') // a paused group cannot act on SIGTERM
            await s.proc.stop({graceMs: stopGraceMs})
          }
          s.state = 'exited'
          releasePort(s.port)
        }),
      )
    })()
    return this.stopping
  }

  private slot(id: string): Slot {
    const slot = this.slots.get(id)
    if (!slot) throw new RunError(`no replica named ${id} (replicas are ${[...this.slots.keys()].join(', ')})`)
    return slot
  }

  private launch(slot: Slot): Promise<ReplicaInfo> {
    const run = async (): Promise<ReplicaInfo> => {
      if (this.stopping) throw new RunError(`replica ${slot.id} was not started: the run is stopping`)
      slot.state = 'starting'
      const vars = {PORT: String(slot.port), REPLICA: slot.id}
      const command = substituteCommand(this.spec.command!, vars)
      const env = {
        ...(process.env as Record<string, string>),
        ...this.spec.env,
        ...vars,
        HOST: '127.0.0.1',
        // Lets `lbbench clean` recognise this run's processes (a recycled pid never carries it).
        LBBENCH_RUN_ID: this.opts.runId,
      }
      appendFileSync(slot.logFile, `--- lbbench: ${slot.id}: ${command} (port ${slot.port}, ${new Date().toISOString()})\n`, {mode: 0o600})
      let proc: GuardedProcess
      try {
        proc = await spawnGuarded('/bin/sh', ['-c', command], {cwd: this.cwd, env, output: slot.logFile})
      } catch (err) {
        slot.state = 'exited'
        throw new RunError(`replica ${slot.id} could not be started in ${this.cwd}: ${(err as Error).message}`)
      }
      slot.proc = proc
      let exitDetail: string | undefined
      slot.exitHandled = proc.exited.then(async (e) => {
        // The shell may go before what it started: the replica has exited when its whole group has (and
        // its port is free for a restart).
        await groupGone(proc.pid, 2000)
        exitDetail = describeExit(e)
        this.onExit(slot, proc, exitDetail)
      })
      try {
        await waitUntilReady({
          port: slot.port,
          path: this.spec.ready.path,
          timeoutMs: this.spec.ready.timeout,
          gone: () => exitDetail ?? (this.stopping ? 'the run is stopping' : undefined),
        })
      } catch (err) {
        await proc.stop({graceMs: 500})
        slot.state = 'exited'
        const tail = await tailOfLog(slot.logFile)
        // The usual cause: a command that listens on a fixed port rather than on the one it was given.
        const portHint = /EADDRINUSE|address already in use/i.test(tail)
          ? `\n  hint: the port it tried is taken by another program; listen on $PORT (${slot.port} here), which lbbench picks free for each replica`
          : ''
        throw new RunError(
          `replica ${slot.id} did not become ready: ${(err as Error).message}\n` +
            `  command: ${command}\n  cwd: ${this.cwd}${portHint}\n` +
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

  private onExit(slot: Slot, proc: GuardedProcess, detail: string): void {
    // An older process of a restarted replica, or one that failed its start (reported by launch()).
    if (slot.proc !== proc || slot.state === 'starting') return
    slot.state = 'exited'
    if (this.stopping) return
    // restart: on-failure is the orchestrator's decision (it knows which exits a fault caused).
    this.emit('exit', slot.id, detail)
  }
}
