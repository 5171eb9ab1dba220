// The cluster primary: its own process, forked by ClusterReplicaSet (cluster.ts), so the orchestrator is
// never in the request path. In shared-port mode (the `cluster` balancer) it IS the balancer: it owns the
// listening socket and Node's cluster module hands connections to the workers (rr), or lets the workers
// accept themselves (none).
//
// Configuration: env LBBENCH_CLUSTER = JSON PrimaryConfig. Protocol with the orchestrator: the
// ToPrimary / FromPrimary messages below. The primary exits, killing every worker, when its IPC channel to
// the orchestrator closes (the orchestrator died) or on `stop`/SIGTERM (workers drain first, bounded).

import cluster, {type Worker} from 'node:cluster'
import {childEntry} from '../process/child-entry.js'
import {freePort} from '../process/free-port.js'
import {Replies} from '../process/replies.js'
import type {AppBehaviour} from '../model/scenario.js'
import type {BehaviourChange} from './replica-set.js'

export interface PrimaryReplica {
  id: string
  behaviour: AppBehaviour
  seed: number
  /** A port the scenario fixes (replicas.ports): the worker listens there or fails, then and after a restart. */
  port?: number
}

export interface PrimaryConfig {
  replicas: PrimaryReplica[]
  sharedPort: boolean
  schedulingPolicy: 'rr' | 'none'
  /** How often workers report their connection/request counts (shared-port mode). */
  countsMs: number
}

export interface ReplicaCounts {
  connections: number
  requests: number
}

export type ToPrimary =
  | {type: 'control'; id: string; change: BehaviourChange; reqId: number; ack: boolean}
  | {type: 'restart'; id: string; reqId: number}
  | {type: 'counts'; reqId: number}
  | {type: 'stop'}

export type FromPrimary =
  | {type: 'shared'; port: number}
  | {type: 'listening'; id: string; port: number; pid: number}
  | {type: 'error'; id: string; message: string}
  | {type: 'exit'; id: string; pid: number; code: number | null; signal: string | null}
  | {type: 'reply'; reqId: number; ok: boolean; error?: string; counts?: Record<string, ReplicaCounts>}

type FromWorker =
  | {type: 'listening'; port: number}
  | {type: 'error'; message: string}
  | {type: 'counts'; connections: number; requests: number; reqId?: number}
  | {type: 'ack'; reqId?: number}

interface Slot {
  spec: PrimaryReplica
  worker?: Worker
  /** Questions to the current worker (counts, acknowledged changes). */
  replies?: Replies<FromWorker>
  port?: number
  generation: number
  /** Counts of earlier generations of this replica (workers that exited). */
  base: ReplicaCounts
  last: ReplicaCounts
}

const stopDrainMs = 2500

const send = (msg: FromPrimary) => {
  if (process.connected) process.send!(msg)
}

const config = JSON.parse(process.env.LBBENCH_CLUSTER ?? '{}') as PrimaryConfig
// Must be set before the first fork: the shared listening handle is created by policy at that moment.
cluster.schedulingPolicy = config.schedulingPolicy === 'none' ? cluster.SCHED_NONE : cluster.SCHED_RR
const entry = childEntry('replicas/app/worker')
cluster.setupPrimary({exec: entry.file, execArgv: entry.execArgv, silent: false})

const slots = new Map<string, Slot>(config.replicas.map((spec) => [spec.id, {spec, generation: 0, base: {connections: 0, requests: 0}, last: {connections: 0, requests: 0}}]))
let sharedPort = 0
let stopping = false

function fork(slot: Slot): void {
  slot.generation++
  slot.base = {connections: slot.base.connections + slot.last.connections, requests: slot.base.requests + slot.last.requests}
  slot.last = {connections: 0, requests: 0}
  const {id, behaviour, seed} = slot.spec
  const env: Record<string, string> = {
    LBBENCH_REPLICA: id,
    LBBENCH_APP: JSON.stringify(behaviour),
    LBBENCH_SEED: String(slot.generation === 1 ? seed : (seed + slot.generation * 7919) >>> 0),
    LBBENCH_COUNTS_MS: String(config.countsMs),
  }
  if (config.sharedPort) {
    env.LBBENCH_SHARED_PORT = String(sharedPort)
    env.LBBENCH_STAMP_BACKEND = '1'
  } else if (slot.spec.port) {
    env.LBBENCH_PORT = String(slot.spec.port)
    env.LBBENCH_PORT_FIXED = '1'
  } else if (slot.port) env.LBBENCH_PORT = String(slot.port) // come back on the same port when it is free
  const worker = cluster.fork(env)
  const replies = new Replies<FromWorker>((question) => {
    if (!worker.isConnected()) return false
    worker.send(question)
    return true
  })
  slot.worker = worker
  slot.replies = replies
  const pid = worker.process.pid!
  worker.on('message', (msg: FromWorker) => {
    if (slot.worker !== worker) return
    if (msg.type === 'listening') {
      slot.port = msg.port
      send({type: 'listening', id, port: msg.port, pid})
    } else if (msg.type === 'error') send({type: 'error', id, message: msg.message})
    else if (msg.type === 'counts') slot.last = {connections: msg.connections, requests: msg.requests}
    replies.take(msg)
  })
  // 'error' on a worker is an IPC failure (e.g. sending to a worker that just died): its exit follows.
  worker.on('error', () => {})
  worker.on('exit', (code, signal) => {
    if (slot.worker === worker) slot.worker = undefined
    if (!stopping) send({type: 'exit', id, pid, code, signal})
  })
}

/** Asks a slot's worker and waits for its answer (ack or counts) up to `ms`: true when it came. */
function ask(slot: Slot, question: {type: string; change?: BehaviourChange}, answer: 'ack' | 'counts', ms: number): Promise<boolean> {
  const timeout = () => new Error(`no ${answer} within ${ms} ms`)
  return slot.replies!.ask(question, answer, ms, {timeout}).then(
    () => true,
    () => false,
  )
}

function countsNow(): Record<string, ReplicaCounts> {
  return Object.fromEntries([...slots].map(([id, s]) => [id, {connections: s.base.connections + s.last.connections, requests: s.base.requests + s.last.requests}]))
}

function alive(slot: Slot): Worker | undefined {
  const w = slot.worker
  return w && !w.isDead() ? w : undefined
}

const liveSlots = () => [...slots.values()].filter((s) => alive(s))

async function onMessage(msg: ToPrimary): Promise<void> {
  if (msg.type === 'stop') return stop(0)
  if (msg.type === 'counts') {
    await Promise.all(liveSlots().map((s) => ask(s, {type: 'counts'}, 'counts', 300)))
    return send({type: 'reply', reqId: msg.reqId, ok: true, counts: countsNow()})
  }
  const slot = slots.get(msg.id)
  if (!slot) return send({type: 'reply', reqId: msg.reqId, ok: false, error: `no replica ${msg.id}`})
  if (msg.type === 'control') {
    const w = alive(slot)
    if (!w) return send({type: 'reply', reqId: msg.reqId, ok: false, error: `replica ${msg.id} is not running`})
    if (!msg.ack) {
      w.send({type: 'control', change: msg.change})
      return send({type: 'reply', reqId: msg.reqId, ok: true})
    }
    const ok = await ask(slot, {type: 'control', change: msg.change}, 'ack', 5000)
    return send({type: 'reply', reqId: msg.reqId, ok, error: ok ? undefined : `replica ${msg.id} did not acknowledge the change within 5s`})
  }
  if (msg.type === 'restart') {
    if (alive(slot)) return send({type: 'reply', reqId: msg.reqId, ok: false, error: `replica ${msg.id} is still running`})
    fork(slot)
    return send({type: 'reply', reqId: msg.reqId, ok: true})
  }
}

function killAll(signal: NodeJS.Signals): void {
  for (const s of slots.values()) {
    const pid = alive(s)?.process.pid
    if (!pid) continue
    try {
      if (signal === 'SIGTERM') process.kill(pid, 'SIGCONT') // a paused worker cannot drain
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

/** Waits until every worker has exited and been reaped (no zombies left to an init that may not reap). */
async function allExited(ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline && [...slots.values()].some((s) => s.worker)) await new Promise((r) => setTimeout(r, 20))
}

async function stop(code: number): Promise<void> {
  if (stopping) return
  stopping = true
  killAll('SIGTERM')
  await allExited(stopDrainMs)
  killAll('SIGKILL')
  await allExited(500)
  process.exit(code)
}

// The orchestrator is gone: nobody will ever stop us, so take the workers down now.
process.on('disconnect', () => {
  stopping = true
  killAll('SIGKILL')
  void allExited(500).then(() => process.exit(0))
})
process.on('SIGTERM', () => void stop(0))
process.on('SIGINT', () => void stop(0))
process.on('message', (msg: ToPrimary) => void onMessage(msg))

if (config.sharedPort) {
  // Chosen once, so that a restarted worker binds the same port again.
  sharedPort = await freePort()
  send({type: 'shared', port: sharedPort})
}
for (const slot of slots.values()) fork(slot)
