// Replicas of the built-in app as Node cluster workers. The orchestrator forks one cluster primary
// (cluster-primary.ts) that forks one worker per replica; signals go straight to a worker's pid, behaviour
// changes and restarts go through the primary. Each worker listens on its own port (`exclusive`), or, for
// the `cluster` balancer (`sharedPort`), all share one port owned by the primary.

import {EventEmitter} from 'node:events'
import {join} from 'node:path'
import {ForkedChild, type Question} from '../process/child.js'
import {describeExit} from '../process/program-exit.js'
import {answeredOk, probeHttp} from '../process/wait-http.js'
import {deferred, type Deferred} from '../model/deferred.js'
import {RunError} from '../model/errors.js'
import {deriveSeed} from '../model/random.js'
import {behaviourOf} from './behaviour-of.js'
import {fixedPortOf} from './fixed-ports.js'
import {replicaIds, type Scenario} from '../model/scenario.js'
import type {FromPrimary, PrimaryConfig, PrimaryReplica, ReplicaCounts, ToPrimary} from './cluster-primary.js'
import {probeHeader} from './app/server.js'
import {processAlive} from '../process/process-alive.js'
import type {BehaviourChange, ReplicaAddress, ReplicaInfo, ReplicaSet, ReplicaSetEvents, ReplicaSetOptions} from './replica-set.js'

const host = '127.0.0.1'
const stopBoundMs = 3000
const terminateBoundMs = 5000
const countsEveryMs = 200
const requestTimeoutMs = 10_000

type Signal = 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'
type PrimaryReply = Extract<FromPrimary, {type: 'reply'}>

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** `p`, or a rejection with `why()` at `deadline` (epoch ms), whichever comes first. */
function beforeDeadline<T>(p: Promise<T>, deadline: number, why: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(why())), Math.max(0, deadline - Date.now()))
    p.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (err) => {
        clearTimeout(timer)
        reject(err)
      },
    )
  })
}

/** One GET of the readiness path: undefined when it answered 2xx/3xx, else why not. */
async function probe(port: number, path: string, timeoutMs: number): Promise<string | undefined> {
  const answer = await probeHttp({host, port, path}, timeoutMs, {[probeHeader]: '1'})
  if (answeredOk(answer)) return undefined
  if ('status' in answer) return `GET ${path} answered ${answer.status}`
  if ('timedOut' in answer) return `GET ${path} got no answer within ${timeoutMs}ms`
  return answer.error.code === 'ECONNREFUSED' ? `connection refused on port ${port}` : answer.error.message
}

/** Probes until the readiness path answers (undefined) or `deadline` passes (the last reason); `gone()` ends it early with its reason. */
async function probeUntil(port: number, path: string, deadline: number, gone: () => string | undefined = () => undefined): Promise<string | undefined> {
  let why: string | undefined = 'no probe ran'
  while (Date.now() < deadline) {
    const goneWhy = gone()
    if (goneWhy !== undefined) return goneWhy
    why = await probe(port, path, Math.min(1000, Math.max(1, deadline - Date.now())))
    if (why === undefined) return undefined
    await sleep(50)
  }
  return why
}

export class ClusterReplicaSet extends EventEmitter<ReplicaSetEvents> implements ReplicaSet {
  readonly kind = 'cluster'
  private readonly scenario: Scenario
  private readonly infos = new Map<string, ReplicaInfo>()
  private readonly listening = new Map<string, Deferred<number>>()
  private readonly exited = new Map<string, Deferred<void>>()
  private readonly lastError = new Map<string, string>()
  private readonly primaryExitListeners: Array<(detail: string) => void> = []
  private primary?: ForkedChild<ToPrimary, FromPrimary>
  /** How the primary ended, once it has. */
  private primaryEnded?: string
  private shared?: number
  private sharedReady = deferred<number>()
  private stopping?: Promise<void>

  constructor(private readonly opts: ReplicaSetOptions) {
    super()
    this.scenario = opts.loaded.scenario
  }

  async start(): Promise<ReplicaInfo[]> {
    const s = this.scenario
    const replicas: PrimaryReplica[] = replicaIds(s).map((id) => ({id, behaviour: behaviourOf(s, id), seed: deriveSeed(s.seed, `app:${id}`), port: fixedPortOf(s.replicas, id)}))
    for (const {id} of replicas) {
      this.infos.set(id, {id, host, port: 0, state: 'starting'})
      this.listening.set(id, deferred())
      this.exited.set(id, deferred())
    }
    const config: PrimaryConfig = {replicas, sharedPort: !!this.opts.sharedPort, schedulingPolicy: s.balancer.schedulingPolicy ?? 'rr', countsMs: this.opts.sharedPort ? countsEveryMs : 0}
    const primary = new ForkedChild<ToPrimary, FromPrimary>({
      module: 'replicas/cluster-primary',
      output: {file: join(this.opts.runDir, 'cluster.log')},
      env: {...process.env, LBBENCH_CLUSTER: JSON.stringify(config), NODE_CLUSTER_SCHED_POLICY: config.schedulingPolicy},
    })
    this.primary = primary
    primary.onExit((exit) => this.onPrimaryExit(describeExit(exit)))
    primary.onMessage((m) => this.onMessage(m))

    const deadline = Date.now() + s.replicas.ready.timeout
    try {
      if (this.opts.sharedPort) await this.readyShared(deadline)
      else {
        // Wait for every replica, so that the message names all that were not ready, not just the first.
        const results = await Promise.allSettled(replicas.map(({id}) => this.waitReady(id, deadline)))
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message)
        if (failed.length) throw new RunError(failed.join('\n'))
      }
    } catch (err) {
      await this.stop()
      throw err
    }
    const infos = this.list()
    for (const info of infos) this.emit('ready', info)
    return infos
  }

  list(): ReplicaInfo[] {
    return [...this.infos.values()].map((i) => ({...i}))
  }

  pids(): number[] {
    const workers = [...this.infos.values()].filter((i) => i.state !== 'exited' && i.pid).map((i) => i.pid!)
    return this.primary?.pid && this.primary.running ? [this.primary.pid, ...workers] : workers
  }

  /** The cluster primary's pid (the balancer's process in shared-port mode). */
  primaryPid(): number | undefined {
    return this.primary?.pid
  }

  /** The one port every worker shares (sharedPort mode); undefined otherwise. */
  sharedAddress(): ReplicaAddress | undefined {
    return this.shared === undefined ? undefined : {id: 'cluster', host, port: this.shared}
  }

  /** Connections and requests each replica served since start (counted by the workers themselves). */
  async counts(): Promise<{connections: Record<string, number>; requests: Record<string, number>}> {
    const connections: Record<string, number> = {}
    const requests: Record<string, number> = {}
    let counts: Record<string, ReplicaCounts> = {}
    if (this.primaryRunning()) counts = (await this.ask({type: 'counts'})).counts ?? {}
    for (const id of this.infos.keys()) {
      connections[id] = counts[id]?.connections ?? 0
      requests[id] = counts[id]?.requests ?? 0
    }
    return {connections, requests}
  }

  /** Called with a reason when the primary ends while the run still needs it. */
  onPrimaryExited(listener: (detail: string) => void): void {
    this.primaryExitListeners.push(listener)
  }

  async signal(id: string, signal: Signal): Promise<void> {
    const info = this.running(id)
    process.kill(info.pid!, signal)
    if (signal === 'SIGSTOP') info.state = 'paused'
    else if (signal === 'SIGCONT' && info.state === 'paused') info.state = 'up'
  }

  async restart(id: string): Promise<ReplicaInfo> {
    const info = this.infos.get(id)
    if (!info) throw new Error(`no replica ${id}`)
    if (!this.primaryRunning()) throw new RunError(`cannot restart ${id}: the cluster primary is not running`)
    if (info.state !== 'exited') await this.terminate(id)
    this.listening.set(id, deferred())
    this.exited.set(id, deferred())
    this.lastError.delete(id)
    info.state = 'starting'
    const reply = await this.ask({type: 'restart', id})
    if (!reply.ok) throw new RunError(`cannot restart ${id}: ${reply.error}`)
    if (this.opts.sharedPort) {
      const timeout = this.scenario.replicas.ready.timeout
      await beforeDeadline(this.listening.get(id)!.promise, Date.now() + timeout, () => `replica ${id} did not listen again within ${timeout / 1000}s of its restart`)
      info.state = 'up'
    } else await this.waitReady(id, Date.now() + this.scenario.replicas.ready.timeout)
    const ready = {...info}
    this.emit('ready', ready)
    return ready
  }

  async control(id: string, change: BehaviourChange): Promise<void> {
    const info = this.running(id)
    // A paused worker reads the change only once resumed: do not wait for its acknowledgement then.
    const reply = await this.ask({type: 'control', id, change, ack: info.state !== 'paused'})
    if (!reply.ok) throw new Error(reply.error ?? `control of ${id} failed`)
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll()
    return this.stopping
  }

  private async stopAll(): Promise<void> {
    const workers = [...this.infos.values()].map((i) => i.pid).filter((p): p is number => !!p)
    const primary = this.primary
    if (primary && this.primaryRunning()) await primary.end({type: 'stop'}, stopBoundMs)
    for (const pid of workers) {
      if (!processAlive(pid)) continue
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone meanwhile
      }
    }
    const deadline = Date.now() + 1000
    while (Date.now() < deadline && workers.some(processAlive)) await sleep(20)
    for (const info of this.infos.values()) info.state = 'exited'
  }

  private primaryRunning(): boolean {
    return !!this.primary && this.primary.running && this.primary.connected
  }

  private running(id: string): ReplicaInfo {
    const info = this.infos.get(id)
    if (!info) throw new Error(`no replica ${id}`)
    if (info.state === 'exited' || info.state === 'starting' || !info.pid) throw new Error(`replica ${id} is not running`)
    return info
  }

  /** SIGTERM (graceful drain) and wait for the exit; SIGKILL when it takes too long. */
  private async terminate(id: string): Promise<void> {
    const info = this.infos.get(id)!
    const gone = this.exited.get(id)!.promise
    if (info.pid) {
      try {
        process.kill(info.pid, 'SIGCONT')
        process.kill(info.pid, 'SIGTERM')
      } catch {
        // already gone
      }
    }
    const timedOut = await Promise.race([gone.then(() => false), sleep(terminateBoundMs).then(() => true)])
    if (timedOut && info.pid) {
      try {
        process.kill(info.pid, 'SIGKILL')
      } catch {
        // gone meanwhile
      }
      await gone
    }
  }

  private ask(question: Question<ToPrimary>): Promise<PrimaryReply> {
    const gone = new Error('the cluster primary is gone')
    return this.primary!.ask(question, 'reply', requestTimeoutMs, {
      timeout: () => new Error(`the cluster primary did not answer ${question.type} within ${requestTimeoutMs / 1000}s`),
      gone: () => gone,
    }).catch((err: Error) => {
      if (err !== gone) throw err
      // No answer because the primary ended: a refusal that says how it ended.
      return {type: 'reply', reqId: -1, ok: false, error: `the cluster primary ${this.primaryEnded ?? 'is not running'}`}
    })
  }

  private onMessage(m: FromPrimary): void {
    switch (m.type) {
      case 'shared':
        this.shared = m.port
        this.sharedReady.resolve(m.port)
        break
      case 'listening': {
        const info = this.infos.get(m.id)
        if (!info) return
        info.port = m.port
        info.pid = m.pid
        this.listening.get(m.id)?.resolve(m.port)
        break
      }
      case 'error':
        this.lastError.set(m.id, m.message)
        break
      case 'exit': {
        const info = this.infos.get(m.id)
        if (!info) return
        const why = this.lastError.get(m.id)
        const detail = describeExit(m) + (why ? `: ${why}` : '')
        info.state = 'exited'
        info.pid = undefined
        this.listening.get(m.id)?.reject(new Error(detail))
        this.exited.get(m.id)?.resolve()
        if (!this.stopping) this.emit('exit', m.id, detail)
        break
      }
    }
  }

  private onPrimaryExit(detail: string): void {
    this.primaryEnded = detail
    const err = new Error(`the cluster primary ${detail}`)
    this.sharedReady.reject(err)
    for (const [id, info] of this.infos) {
      this.listening.get(id)?.reject(err)
      this.exited.get(id)?.resolve()
      if (info.state !== 'exited' && !this.stopping) {
        info.state = 'exited'
        this.emit('exit', id, `cluster primary ${detail}`)
      }
    }
    if (!this.stopping) for (const l of this.primaryExitListeners) l(detail)
  }

  /** Waits for a replica to listen and answer the readiness probe before `deadline`, or throws RunError. */
  private async waitReady(id: string, deadline: number): Promise<void> {
    const {path, timeout} = this.scenario.replicas.ready
    const notReady = (why: string) => new RunError(`replica ${id} was not ready within ${timeout / 1000}s: ${why}`)
    let port: number
    try {
      port = await beforeDeadline(this.listening.get(id)!.promise, deadline, () => this.lastError.get(id) ?? 'it never started listening')
    } catch (err) {
      throw notReady((err as Error).message)
    }
    const info = this.infos.get(id)!
    if (path !== undefined) {
      const why = await probeUntil(port, path, deadline, () => (info.state === 'exited' ? `it ${this.lastError.get(id) ?? 'exited'}` : undefined))
      if (why !== undefined) throw notReady(why)
    }
    if (info.state === 'starting') info.state = 'up'
  }

  /** Shared port: every worker listening, then the shared port answering the probe. */
  private async readyShared(deadline: number): Promise<void> {
    const ids = [...this.infos.keys()]
    const timeout = this.scenario.replicas.ready.timeout
    const notReady = (why: string) => new RunError(`the cluster workers were not ready within ${timeout / 1000}s: ${why}`)
    const late = () => {
      const ids2 = ids.filter((id) => !this.infos.get(id)!.pid)
      return ids2.length ? `${ids2.join(', ')} never started listening` : 'the shared port was never chosen'
    }
    try {
      const port = await beforeDeadline(this.sharedReady.promise, deadline, late)
      await beforeDeadline(Promise.all(ids.map((id) => this.listening.get(id)!.promise)), deadline, late)
      for (const id of ids) this.infos.get(id)!.port = port
      const path = this.scenario.replicas.ready.path
      const why = path === undefined ? undefined : await probeUntil(port, path, deadline)
      if (why !== undefined) throw new Error(why)
    } catch (err) {
      throw err instanceof RunError ? err : notReady((err as Error).message)
    }
    for (const id of ids) this.infos.get(id)!.state = 'up'
  }
}
