// Small node:http backends for balancer tests: each listens on 127.0.0.1:0 and stamps its id in
// x-lbbench-backend (as the built-in app does). kill() closes one abruptly (server closed, sockets
// destroyed: what clients see of a SIGKILLed process); revive() starts it again on a new port.
import {createServer, request, Agent, type Server} from 'node:http'
import type {Socket} from 'node:net'
import type {ReplicaAddress} from '../../src/replicas/replica-set.js'

export interface StampBackend {
  id: string
  port: number
  server: Server
  sockets: Set<Socket>
}

async function listen(id: string): Promise<StampBackend> {
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    req.resume()
    res.setHeader('x-lbbench-backend', id)
    res.end('Hello World!')
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen({port: 0, host: '127.0.0.1', exclusive: true}, r))
  const port = (server.address() as {port: number}).port
  return {id, port, server, sockets}
}

export class StampBackends {
  readonly list: StampBackend[] = []

  static async start(n: number): Promise<StampBackends> {
    const b = new StampBackends()
    for (let i = 1; i <= n; i++) b.list.push(await listen(`r${i}`))
    return b
  }

  addresses(): ReplicaAddress[] {
    return this.list.map((b) => ({id: b.id, host: '127.0.0.1', port: b.port}))
  }

  kill(id: string): void {
    const b = this.list.find((x) => x.id === id)!
    b.server.close()
    for (const s of b.sockets) s.destroy()
  }

  async revive(id: string): Promise<ReplicaAddress> {
    const i = this.list.findIndex((x) => x.id === id)
    this.list[i] = await listen(id)
    return {id, host: '127.0.0.1', port: this.list[i].port}
  }

  async close(): Promise<void> {
    for (const b of this.list) {
      b.server.close()
      for (const s of b.sockets) s.destroy()
    }
  }
}

export interface LoadResult {
  sent: number
  ok: number
  failed: number
  statuses: Record<string, number>
  byBackend: Record<string, number>
  errors: Record<string, number>
  elapsedMs: number
}

export interface LoadOptions {
  /** Stop after this many requests … */
  requests?: number
  /** … or after this long. */
  durationMs?: number
  concurrency: number
  /** Runs before request number i (to break things mid-load). */
  at?: (i: number) => void | Promise<void>
}

/** GETs over `concurrency` keep-alive connections, counted by status and by x-lbbench-backend. */
export async function load(url: string, o: LoadOptions): Promise<LoadResult> {
  const {concurrency, at} = o
  const total = o.requests ?? Infinity
  const end = o.durationMs === undefined ? Infinity : Date.now() + o.durationMs
  const agent = new Agent({keepAlive: true, maxSockets: concurrency})
  const r: LoadResult = {sent: 0, ok: 0, failed: 0, statuses: {}, byBackend: {}, errors: {}, elapsedMs: 0}
  const started = Date.now()
  let next = 0
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const req = request(url, {agent, timeout: 5000}, (res) => {
        res.resume()
        res.on('end', () => {
          const status = res.statusCode ?? 0
          r.statuses[status] = (r.statuses[status] ?? 0) + 1
          const id = String(res.headers['x-lbbench-backend'] ?? '')
          if (status < 500) {
            r.ok++
            r.byBackend[id] = (r.byBackend[id] ?? 0) + 1
          } else r.failed++
          resolve()
        })
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', (err: NodeJS.ErrnoException) => {
        r.failed++
        const k = err.code ?? err.message
        r.errors[k] = (r.errors[k] ?? 0) + 1
        resolve()
      })
      req.end()
    })
  const worker = async (): Promise<void> => {
    while (next < total && Date.now() < end) {
      const i = next++
      if (at) await at(i)
      r.sent++
      await one()
    }
  }
  await Promise.all(Array.from({length: concurrency}, worker))
  agent.destroy()
  r.elapsedMs = Date.now() - started
  return r
}
