// The built-in proxy in mode tcp as a real process on loopback sockets: bytes forwarded unchanged both
// ways with half-close, counted per backend; a refused connect moves the connection to the next
// backend (and marks the first down); a backend cut mid-request fails the request on that connection,
// with no retry and no answer of the proxy's own; active checks take a backend out as in mode http; a
// connection with no byte either way for the idle timeout is closed on both sides, one with bytes moving
// either way is not.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {connect, createServer, type Server, type Socket} from 'node:net'
import {TcpProxyServer} from '../../src/proxy/tcp/tcp-server.js'
import {strategyKinds} from '../../src/proxy/strategies/registry.js'
import {backends, balancerSpec, client, send, sleep, startProxy, TestBackend, type RunningProxy} from './proxy-fixtures.js'
import {processAlive} from '../../src/process/process-alive.js'

const proxies: RunningProxy[] = []
const closers: Array<() => Promise<void>> = []

after(async () => {
  await Promise.all(proxies.map((p) => p.stop()))
  await Promise.all(closers.map((c) => c()))
  await sleep(100)
  for (const p of proxies) assert.equal(processAlive(p.child.pid!), false, `proxy ${p.child.pid} is still running`)
})

/** A TCP echo server with an id: it answers every byte with the same byte, and ends when the client ends. */
async function echoServer(id: string): Promise<{id: string; port: number}> {
  const sockets = new Set<Socket>()
  const server: Server = createServer({allowHalfOpen: true}, (s) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
    s.pipe(s)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  closers.push(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((r) => server.close(r))
  })
  return {id, port: (server.address() as {port: number}).port}
}

/** A port nothing listens on: a connect there is refused. */
async function deadPort(): Promise<number> {
  const b = await new TestBackend('dead').listen()
  await b.close()
  return b.port
}

async function proxyTo(targets: Array<{id: string; port: number}>, over = {}): Promise<RunningProxy> {
  const proxy = await startProxy(targets as TestBackend[], balancerSpec({mode: 'tcp', ...over}))
  proxies.push(proxy)
  return proxy
}

/** Sends `data` on one connection through the proxy, ends its side, and resolves with all that came back. */
function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const c = connect({host: '127.0.0.1', port, allowHalfOpen: true}, () => c.end(data))
    c.on('data', (d: Buffer) => chunks.push(d))
    c.on('end', () => resolve(Buffer.concat(chunks)))
    c.on('error', reject)
  })
}

describe('built-in proxy, mode tcp', () => {
  test('forwards 1 MiB byte for byte both ways, half-close included, and counts connections and bytes', async () => {
    const proxy = await proxyTo([await echoServer('r1')])
    const data = randomBytes(1 << 20)
    const back = await roundTrip(proxy.port, data)
    assert.ok(back.equals(data), `got ${back.length} bytes back, not the ${data.length} sent`)
    const s = await proxy.stats()
    assert.deepEqual(s.connections, {r1: 1})
    assert.deepEqual(s.bytesToBackend, {r1: data.length})
    assert.deepEqual(s.bytesFromBackend, {r1: data.length})
    assert.equal(s.requests, undefined, 'no response is seen at L4')
  })

  test('a refused connect moves the connection to the next backend and marks the first down', async () => {
    const live = await echoServer('r2')
    const proxy = await proxyTo([{id: 'r1', port: await deadPort()}, live], {health: {passive: {maxFails: 1, failTimeout: 10_000, statuses: []}}})
    for (let i = 0; i < 4; i++) assert.equal((await roundTrip(proxy.port, Buffer.from(`hello ${i}`))).toString(), `hello ${i}`)
    const s = await proxy.stats()
    assert.equal(s.failedAttempts.r1, 1, JSON.stringify(s))
    assert.equal(s.retries, 1)
    assert.deepEqual(s.connections, {r1: 0, r2: 4})
    await proxy.waitForState((c) => c.id === 'r1' && c.state === 'down', 5000)
  })

  test('a backend cut mid-request fails that request: no retry, no answer of the proxy', async () => {
    const [r1] = await backends(1)
    closers.push(() => r1.close())
    r1.mode = 'hang'
    const proxy = await proxyTo([r1], {retries: 1})
    const pending = send(proxy.port, client(1))
    while (r1.hits === 0) await sleep(10)
    await r1.close()
    const outcome = await pending
    assert.equal(outcome.status, undefined, `the client got an answer: ${JSON.stringify(outcome)}`)
    assert.ok(outcome.error, JSON.stringify(outcome))
    const s = await proxy.stats()
    assert.equal(s.retries, 0)
    assert.equal(s.attempts.r1, 1)
  })

  test('active checks take a failing backend out of the choice, as in mode http', async () => {
    const [r1, r2] = await backends(2)
    closers.push(() => r1.close(), () => r2.close())
    r1.mode = 'reset'
    const proxy = await proxyTo([r1, r2], {health: {active: {path: '/', interval: 100, timeout: 100, rise: 1, fall: 1}}})
    await proxy.waitForState((c) => c.id === 'r1' && c.state === 'down', 5000)
    const agent = client(1)
    for (let i = 0; i < 3; i++) assert.equal((await send(proxy.port, agent)).servedBy, 'r2')
    agent.destroy()
  })
})

/**
 * A backend that echoes a connection's first chunk only, and after a first chunk `t` sends a byte every
 * 100 ms by itself. By the first byte each connection sent: the bytes it got (`got`), and the
 * connections that closed on its side (`closed`).
 */
async function tickingEcho(): Promise<{port: number; got: Record<string, number>; closed: string[]}> {
  const got: Record<string, number> = {}
  const closed: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s)
    let first = ''
    let ticker: NodeJS.Timeout | undefined
    s.on('data', (d: Buffer) => {
      if (!first) {
        first = d.toString()[0]
        s.write(d)
        if (first === 't') ticker = setInterval(() => s.write('k'), 100)
      }
      got[first] = (got[first] ?? 0) + d.length
    })
    s.on('error', () => {})
    s.once('close', () => {
      clearInterval(ticker)
      sockets.delete(s)
      closed.push(first)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  closers.push(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((r) => server.close(r))
  })
  return {port: (server.address() as {port: number}).port, got, closed}
}

/** A client connection through the proxy that sends `first`, with what came back and when it closed. */
async function open(port: number, first: string) {
  const c = connect({host: '127.0.0.1', port})
  const seen = {received: '', lastByteAt: 0, closedAt: 0}
  c.on('data', (d: Buffer) => {
    seen.received += d.toString()
    seen.lastByteAt = Date.now()
  })
  c.on('error', () => {})
  c.once('close', () => (seen.closedAt = Date.now()))
  await new Promise<void>((resolve) => c.once('connect', resolve))
  c.write(first)
  while (seen.received === '') await sleep(10)
  return {c, seen}
}

describe('built-in proxy, mode tcp: the idle timeout', () => {
  test('no byte either way for idleMs closes both sides; bytes moving only from the client, or only from the backend, keep it open', async () => {
    const backend = await tickingEcho()
    const idleMs = 1200
    const config = {host: '127.0.0.1', port: 0, seed: 1, balancer: balancerSpec({mode: 'tcp'}), backends: [{id: 'r1', host: '127.0.0.1', port: backend.port, weight: 1}]}
    const proxy = new TcpProxyServer(config, strategyKinds.get('round-robin')!, () => {}, undefined, {idleMs})
    const port = await proxy.listen()
    closers.push(async () => proxy.close())
    const idle = await open(port, 'i')
    const chatty = await open(port, 'c')
    const ticking = await open(port, 't')
    const talking = setInterval(() => chatty.c.write('c'), 100)
    // Destroyed also when an assertion fails, so that nothing keeps the test process alive.
    closers.push(async () => {
      clearInterval(talking)
      for (const c of [idle.c, chatty.c, ticking.c]) c.destroy()
    })
    // The idle one closes after the timeout (waited for generously: a loaded machine is late, never early).
    for (let i = 0; i < 1500 && !idle.seen.closedAt; i++) await sleep(10)
    assert.ok(idle.seen.closedAt > 0, 'the idle connection is still open')
    assert.ok(idle.seen.closedAt - idle.seen.lastByteAt >= idleMs / 2, `closed ${idle.seen.closedAt - idle.seen.lastByteAt} ms after its last byte`)
    // The others keep moving bytes for more than twice the timeout.
    await sleep(2.5 * idleMs - (Date.now() - idle.seen.lastByteAt))
    assert.deepEqual([chatty.seen.closedAt, ticking.seen.closedAt], [0, 0], 'a connection with bytes moving was closed')
    assert.equal(chatty.seen.received, 'c', 'the client-only connection got nothing back but its first byte')
    assert.ok((backend.got.c ?? 0) > 10 && ticking.seen.received.length > 10, JSON.stringify([backend.got, ticking.seen.received]))
    for (let i = 0; i < 500 && !backend.closed.includes('i'); i++) await sleep(10)
    assert.deepEqual(backend.closed, ['i'], 'the backend side of the idle connection, and only it, was closed')
  })
})
