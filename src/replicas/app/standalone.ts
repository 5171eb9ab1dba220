// The built-in app as a plain process (for `process` and `docker` replicas of the built-in app).
//
// Interface:
//   Run:  node dist/replicas/app/standalone.js   (or childEntry('replicas/app/standalone'))
//   Environment:
//     PORT                   port to listen on (required; 0 = any free port)
//     REPLICA                replica id stamped in `x-lbbench-replica` (default `r1`)
//     HOST                   default 127.0.0.1; only loopback addresses are accepted
//     LBBENCH_APP            optional AppBehaviour as JSON (src/scenario/types.ts); fields left out take
//                            the defaults: fixed 0 ms latency, 0 ms cpu, 12-byte `Hello World!`, no errors
//     LBBENCH_SEED           optional seed of the app's random source (default 1)
//     LBBENCH_STAMP_BACKEND  '1': stamp `x-lbbench-backend` too
//     LBBENCH_CONTROL_PORT   optional: serve the control channel on 127.0.0.1:<port> (0 = any free port)
//     LBBENCH_CONTROL_TOKEN  required with LBBENCH_CONTROL_PORT; every control request must carry it
//     LBBENCH_SLOT           optional (swarm replicas): NAME_<slot> then stands for each NAME above
//   Control channel (HTTP, 127.0.0.1 only, header `x-lbbench-token: $LBBENCH_CONTROL_TOKEN`):
//     POST /control   body: a BehaviourChange as JSON (src/replicas/replica-set.ts) → 204; bad JSON → 400
//     GET  /control   → 200 {configured, current, addLatency}
//     GET  /counts    → 200 {connections, requests}
//     wrong or missing token → 401; anything else → 404
//   Once listening it writes one line to stdout:
//     {"type":"listening","replica":"r1","port":<port>,"controlPort":<port or null>}
//   SIGTERM drains in-flight requests and exits 0 (SIGINT too). When started with an IPC channel (fork),
//   it exits when that channel closes (its parent died).

import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {timingSafeEqual} from 'node:crypto'
import {seededRandom} from '../../model/random.js'
import type {AppBehaviour} from '../../model/scenario.js'
import {createAppServer} from './server.js'

export const defaultBehaviour: AppBehaviour = {
  latency: {dist: 'fixed', mean: 0},
  cpu: 0,
  body: 12,
  errorRate: 0,
  errorStatus: 500,
  hang: false,
}

const loopback = new Set(['127.0.0.1', '::1', 'localhost'])
const drainTimeoutMs = 10_000

/**
 * Swarm replicas share one environment: with LBBENCH_SLOT set, NAME_<slot> stands for NAME, so each
 * task takes its own port, behaviour, seed and control port (replicas/swarm/service-spec.ts).
 */
function valuesOfSlot(all: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const suffix = all.LBBENCH_SLOT ? `_${all.LBBENCH_SLOT}` : undefined
  if (!suffix) return all
  const own = {...all}
  for (const [key, value] of Object.entries(all)) if (key.endsWith(suffix)) own[key.slice(0, -suffix.length)] = value
  return own
}

function die(message: string): never {
  process.stderr.write(`lbbench app: ${message}\n`)
  process.exit(1)
}

const env = valuesOfSlot(process.env)
const port = Number(env.PORT ?? die('PORT is not set'))
if (!Number.isInteger(port) || port < 0 || port > 65535) die(`PORT must be a port number, got ${env.PORT}`)
const host = env.HOST || '127.0.0.1'
if (!loopback.has(host)) die(`HOST must be a loopback address (127.0.0.1 or ::1), got ${host}`)
const id = env.REPLICA || 'r1'
let behaviour = defaultBehaviour
if (env.LBBENCH_APP) {
  try {
    behaviour = {...defaultBehaviour, ...(JSON.parse(env.LBBENCH_APP) as Partial<AppBehaviour>)}
  } catch {
    die('LBBENCH_APP is not valid JSON')
  }
}
const controlPort = env.LBBENCH_CONTROL_PORT === undefined || env.LBBENCH_CONTROL_PORT === '' ? undefined : Number(env.LBBENCH_CONTROL_PORT)
const token = env.LBBENCH_CONTROL_TOKEN ?? ''
if (controlPort !== undefined && !token) die('LBBENCH_CONTROL_TOKEN must be set with LBBENCH_CONTROL_PORT')

const app = createAppServer(id, behaviour, seededRandom(Number(env.LBBENCH_SEED ?? 1)), {stampBackend: env.LBBENCH_STAMP_BACKEND === '1'})

function tokenOk(given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function controlServer(): Server {
  return createServer((req, res) => {
    const reply = (status: number, body?: unknown) => {
      const text = body === undefined ? '' : JSON.stringify(body)
      res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)})
      res.end(text)
    }
    if (!tokenOk(req.headers['x-lbbench-token'])) {
      req.resume()
      return reply(401, {error: 'missing or wrong x-lbbench-token'})
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.url === '/control' && req.method === 'POST') {
        let change: unknown
        try {
          change = JSON.parse(Buffer.concat(chunks).toString() || '{}')
        } catch {
          return reply(400, {error: 'the body must be a BehaviourChange as JSON'})
        }
        if (typeof change !== 'object' || change === null || Array.isArray(change)) return reply(400, {error: 'the body must be a JSON object'})
        app.apply(change)
        return reply(204)
      }
      if (req.url === '/control' && req.method === 'GET') return reply(200, app.behaviour())
      if (req.url === '/counts' && req.method === 'GET') return reply(200, app.counts())
      reply(404, {error: 'not found'})
    })
  })
}

function listen(server: Server, p: number, h: string): Promise<number> {
  return new Promise((resolve) => {
    server.once('error', (err) => die(`cannot listen on ${h}:${p}: ${err.message}`))
    server.listen({port: p, host: h}, () => resolve((server.address() as AddressInfo).port))
  })
}

let control: Server | undefined
let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  control?.close()
  control?.closeAllConnections()
  void app.drain(drainTimeoutMs).then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
if (process.send) process.on('disconnect', () => process.exit(0))

const appPort = await listen(app.server, port, host)
let boundControl: number | null = null
if (controlPort !== undefined) {
  control = controlServer()
  boundControl = await listen(control, controlPort, '127.0.0.1')
}
process.stdout.write(JSON.stringify({type: 'listening', replica: id, port: appPort, controlPort: boundControl}) + '\n')
