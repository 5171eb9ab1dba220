// The built-in proxy in mode tcp as a real process on loopback sockets: bytes forwarded unchanged both
// ways with half-close, counted per backend; a refused connect moves the connection to the next
// backend (and marks the first down); a backend cut mid-request fails the request on that connection,
// with no retry and no answer of the proxy's own; active checks take a backend out as in mode http.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {connect, createServer, type Server, type Socket} from 'node:net'
import {alive, backends, balancerSpec, client, send, sleep, startProxy, TestBackend, type RunningProxy} from './proxy-fixtures.js'

const proxies: RunningProxy[] = []
const closers: Array<() => Promise<void>> = []

after(async () => {
  await Promise.all(proxies.map((p) => p.stop()))
  await Promise.all(closers.map((c) => c()))
  await sleep(100)
  for (const p of proxies) assert.equal(alive(p.child.pid!), false, `proxy ${p.child.pid} is still running`)
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
