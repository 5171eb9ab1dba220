// Real pieces for the built-in proxy's tests: small node:http backends that stamp their id and can be
// told to misbehave, the proxy process started as the orchestrator starts it, and an HTTP client with a
// keep-alive pool.
import assert from 'node:assert/strict'
import {fork, type ChildProcess} from 'node:child_process'
import {Agent, createServer, request, type Server} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import {after} from 'node:test'
import {childEntry} from '../../src/process/child-entry.js'
import type {BackendStateChange} from '../../src/balancers/balancer.js'
import type {FromProxy, ProxyStats} from '../../src/proxy/messages.js'
import type {BalancerSpec} from '../../src/model/scenario.js'
import {processAlive} from '../../src/process/process-alive.js'

/** ok: answer its id (and the request body's length); hang: never answer; reset: drop the connection
 * before answering; reset-mid-body: send the head and part of the body, then drop the connection;
 * stall-mid-body: send the head and part of the body, then nothing more. */
export type Mode = 'ok' | 'hang' | 'reset' | 'reset-mid-body' | 'stall-mid-body'

export class TestBackend {
  mode: Mode = 'ok'
  hits = 0
  /** Requests whose connection went away before they were answered (the proxy gave up on them). */
  abandoned = 0
  port = 0
  private readonly server: Server
  private readonly sockets = new Set<Socket>()

  constructor(readonly id: string) {
    this.server = createServer((req, res) => {
      this.hits += 1
      res.once('close', () => {
        if (!res.writableFinished) this.abandoned += 1
      })
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        if (this.mode === 'hang') return
        if (this.mode === 'reset') return void req.socket.destroy()
        if (this.mode === 'stall-mid-body') {
          res.writeHead(200, {'content-length': 10_000, 'x-test-backend': this.id})
          res.write('partial body')
          return
        }
        if (this.mode === 'reset-mid-body') {
          res.writeHead(200, {'content-length': 10_000, 'x-test-backend': this.id})
          res.write('partial body')
          setTimeout(() => req.socket.destroy(), 20)
          return
        }
        const body = Buffer.concat(chunks)
        res.writeHead(200, {'x-test-backend': this.id, 'x-body-length': String(body.length)})
        res.end(`${this.id}\n`)
      })
    })
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s)
      s.once('close', () => this.sockets.delete(s))
    })
  }

  /** Listens on `port` (0 = any; the same port again after close()). */
  async listen(port = this.port): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    this.port = (this.server.address() as AddressInfo).port
    return this
  }

  /** Stops listening and breaks every open connection, as a killed process would. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const s of this.sockets) s.destroy()
    if (this.server.listening) await closed
  }
}

export async function backends(n: number): Promise<TestBackend[]> {
  return Promise.all(Array.from({length: n}, (_, i) => new TestBackend(`r${i + 1}`).listen()))
}

export function balancerSpec(over: Partial<BalancerSpec> = {}): BalancerSpec {
  return {
    kind: 'builtin',
    strategy: 'round-robin',
    retries: 1,
    retryNonIdempotent: false,
    retryBodyLimit: 65536,
    timeout: 2000,
    health: {},
    engine: 'http-proxy',
    workers: 1,
    schedulingPolicy: 'rr',
    ...over,
  }
}

export interface RunningProxy {
  port: number
  child: ChildProcess
  /** The proxy's process ids: its own, and with balancer.workers > 1 its workers' too. */
  pids: number[]
  /** Every backend-state message so far. */
  states: BackendStateChange[]
  usage: Array<{cpuPct: number; elu: number}>
  stats(): Promise<ProxyStats>
  /** Resolves with the first state change (past or future) that matches, or rejects after `ms`. */
  waitForState(match: (c: BackendStateChange) => boolean, ms: number): Promise<BackendStateChange>
  stop(): Promise<void>
}

/** Forks src/proxy/main.ts and starts it in front of `bs`, as balancers/builtin.ts does. */
export async function startProxy(bs: TestBackend[], spec: BalancerSpec): Promise<RunningProxy> {
  const entry = childEntry('proxy/main')
  const child = fork(entry.file, [], {execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc']})
  const states: BackendStateChange[] = []
  const usage: Array<{cpuPct: number; elu: number}> = []
  const waiters = new Set<() => void>()
  let reqId = 0
  child.on('message', (m: FromProxy) => {
    if (m.type === 'backend-state') {
      states.push({id: m.id, state: m.state, reason: m.reason, epochMs: m.epochMs})
      for (const w of waiters) w()
    } else if (m.type === 'usage') usage.push({cpuPct: m.cpuPct, elu: m.elu})
  })
  let pids = [child.pid!]
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: FromProxy) => {
      if (m.type === 'ready') {
        pids = m.pids ?? pids
        resolve(m.port)
      }
      if (m.type === 'error') reject(new Error(m.message))
    })
    child.once('exit', () => reject(new Error('proxy exited while starting')))
    child.send({
      type: 'start',
      config: {host: '127.0.0.1', port: 0, seed: 1, balancer: spec, backends: bs.map((b) => ({id: b.id, host: '127.0.0.1', port: b.port, weight: 1}))},
    })
  })
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  return {
    port,
    child,
    pids,
    states,
    usage,
    stats: () =>
      new Promise<ProxyStats>((resolve) => {
        const id = ++reqId
        const on = (m: FromProxy): void => {
          if (m.type === 'stats' && m.reqId === id) {
            child.off('message', on)
            resolve(m.stats)
          }
        }
        child.on('message', on)
        child.send({type: 'stats?', reqId: id})
      }),
    waitForState: (match, ms) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = states.find(match)
          if (!found) return false
          clearTimeout(timer)
          waiters.delete(wake)
          resolve(found)
          return true
        }
        const wake = (): void => void check()
        const timer = setTimeout(() => {
          waiters.delete(wake)
          reject(new Error(`no matching backend-state within ${ms} ms; got ${JSON.stringify(states)}`))
        }, ms)
        waiters.add(wake)
        check()
      }),
    stop: async () => {
      if (child.connected) child.disconnect()
      await exited
    },
  }
}

export interface Outcome {
  status?: number
  backend?: string
  /** The backend's own stamp, to check the proxy's. */
  servedBy?: string
  body?: string
  error?: string
  ms: number
}

export function client(maxSockets = 8): Agent {
  return new Agent({keepAlive: true, maxSockets})
}

export function send(port: number, agent: Agent, opts: {method?: string; path?: string; body?: string; timeoutMs?: number} = {}): Promise<Outcome> {
  const started = performance.now()
  return new Promise((resolve) => {
    let done = false
    const finish = (o: Omit<Outcome, 'ms'>): void => {
      if (done) return
      done = true
      resolve({...o, ms: performance.now() - started})
    }
    const headers: Record<string, string | number> = {}
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body)
    const req = request({host: '127.0.0.1', port, path: opts.path ?? '/', method: opts.method ?? 'GET', agent, headers}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('error', (e: NodeJS.ErrnoException) => finish({status: res.statusCode, error: e.code ?? e.message}))
      res.on('aborted', () => finish({status: res.statusCode, error: 'aborted'}))
      res.on('end', () =>
        finish({
          status: res.statusCode,
          backend: res.headers['x-lbbench-backend'] as string | undefined,
          servedBy: res.headers['x-test-backend'] as string | undefined,
          body,
        }),
      )
    })
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(new Error('client timeout')))
    req.on('error', (e: NodeJS.ErrnoException) => finish({error: e.code ?? e.message}))
    req.end(opts.body)
  })
}

/** `total` requests from `concurrency` clients, each sending one after the other. */
export async function load(port: number, total: number, concurrency: number, opts: {method?: string; body?: string; onEach?: (n: number) => void} = {}): Promise<Outcome[]> {
  const agent = client(concurrency)
  const out: Outcome[] = []
  let next = 0
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      while (next < total) {
        next += 1
        opts.onEach?.(next)
        out.push(await send(port, agent, opts))
      }
    }),
  )
  agent.destroy()
  return out
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * The proxies a test file starts with `workers: 2` (undici) over fresh backends, and what else it started:
 * after the file's tests everything is stopped, and no proxy process may be left.
 */
export class WorkerProxies {
  readonly pids: number[] = []
  readonly servers: TestBackend[] = []
  readonly stops: Array<() => Promise<void>> = []

  constructor() {
    after(async () => {
      await Promise.all(this.stops.map((s) => s()))
      await Promise.all(this.servers.map((s) => s.close()))
      await sleep(100)
      for (const pid of this.pids) assert.equal(processAlive(pid), false, `proxy process ${pid} is still running`)
    })
  }

  async setup(n: number, over: Partial<BalancerSpec> = {}): Promise<{bs: TestBackend[]; proxy: RunningProxy}> {
    const bs = await backends(n)
    this.servers.push(...bs)
    const proxy = await startProxy(bs, balancerSpec({engine: 'undici', workers: 2, ...over}))
    this.pids.push(...proxy.pids)
    this.stops.push(() => proxy.stop())
    return {bs, proxy}
  }
}
