// A cluster worker running the built-in app (forked by cluster-primary.ts).
//
// Environment (set by the primary):
//   LBBENCH_REPLICA        replica id (r1 …)
//   LBBENCH_APP            AppBehaviour as JSON
//   LBBENCH_SEED           seed of this replica's random source
//   LBBENCH_PORT           optional: port to listen on alone (`exclusive`), e.g. the port a restarted
//                          replica had before; taken only if free, else any free port
//   LBBENCH_PORT_FIXED     '1': LBBENCH_PORT or fail (a port the scenario fixes: no other will do)
//   LBBENCH_SHARED_PORT    optional: listen on this port shared with the other workers (no `exclusive`:
//                          the primary owns the socket and Node's cluster module balances connections)
//   LBBENCH_STAMP_BACKEND  '1': stamp x-lbbench-backend too (no balancer in front to do it)
//   LBBENCH_COUNTS_MS      optional: report connection/request counts to the primary this often
//
// IPC to the primary: {type:'listening', port} | {type:'error', message} | {type:'counts', connections,
// requests} | {type:'ack', reqId}. From the primary: {type:'control', change, reqId?} | {type:'counts', reqId?}.
// SIGTERM drains (server.ts) and exits 0; a lost IPC channel (the primary died) exits at once.

import type {AddressInfo} from 'node:net'
import {seededRandom} from '../../model/random.js'
import {LISTEN_BACKLOG} from '../../process/listen-backlog.js'
import type {AppBehaviour} from '../../model/scenario.js'
import type {BehaviourChange} from '../replica-set.js'
import {createAppServer} from './server.js'

const host = '127.0.0.1'
const drainTimeoutMs = 10_000

type FromPrimary = {type: 'control'; change: BehaviourChange; reqId?: number} | {type: 'counts'; reqId?: number}

const send = (msg: unknown) => {
  if (process.connected) process.send?.(msg)
}

function fail(message: string): never {
  send({type: 'error', message})
  process.exit(1)
}

process.on('disconnect', () => process.exit(0))

const id = process.env.LBBENCH_REPLICA ?? fail('LBBENCH_REPLICA is not set')
let behaviour: AppBehaviour
try {
  behaviour = JSON.parse(process.env.LBBENCH_APP ?? '') as AppBehaviour
} catch {
  fail('LBBENCH_APP is not valid JSON')
}
const app = createAppServer(id, behaviour, seededRandom(Number(process.env.LBBENCH_SEED ?? 1)), {
  stampBackend: process.env.LBBENCH_STAMP_BACKEND === '1',
})

const sendCounts = (reqId?: number) => send({type: 'counts', ...app.counts(), reqId})

process.on('message', (msg: FromPrimary) => {
  if (msg?.type === 'control') {
    app.apply(msg.change)
    send({type: 'ack', reqId: msg.reqId})
  } else if (msg?.type === 'counts') sendCounts(msg.reqId)
})

let draining = false
process.on('SIGTERM', () => {
  if (draining) return
  draining = true
  void app.drain(drainTimeoutMs).then(() => process.exit(0))
})

function listen(port: number, exclusive: boolean, fallback: boolean): void {
  const onError = (err: NodeJS.ErrnoException) => {
    if (fallback && err.code === 'EADDRINUSE') return listen(0, exclusive, false)
    fail(`cannot listen on ${host}:${port}: ${err.message}`)
  }
  app.server.once('error', onError)
  app.server.listen({port, host, exclusive, backlog: LISTEN_BACKLOG}, () => {
    app.server.off('error', onError)
    send({type: 'listening', port: (app.server.address() as AddressInfo).port})
  })
}

const shared = process.env.LBBENCH_SHARED_PORT
if (shared) listen(Number(shared), false, false)
else {
  const preferred = Number(process.env.LBBENCH_PORT ?? 0)
  listen(preferred, true, preferred > 0 && process.env.LBBENCH_PORT_FIXED !== '1')
}

const every = Number(process.env.LBBENCH_COUNTS_MS ?? 0)
if (every > 0) setInterval(() => sendCounts(), every).unref()
