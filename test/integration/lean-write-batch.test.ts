// While its event loop is busy, the lean engine holds its writes to the backends until the end of the
// loop's turn (src/proxy/lean/write-batch.ts). On real sockets to a raw node:net server: what is written in
// one busy turn stays in the sockets' buffers until the turn's check phase, then leaves, in order, once; a
// batch that reaches its size, or would write to one backend more than it may, lets its writes go at once;
// with the loop not busy nothing is held. And the loop's load as it is sampled: busy after a window the
// loop spent running, or two thirds running, not after one spent waiting, or a tenth running.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {connect, createServer, type Server, type Socket} from 'node:net'
import {once} from 'node:events'
import {setImmediate as nextCheck, setTimeout as sleep} from 'node:timers/promises'
import {LoopLoad, WriteBatch} from '../../src/proxy/lean/write-batch.js'
import {waitFor} from '../helpers/wait-for.js'

const servers: Server[] = []
const sockets = new Set<Socket>()
after(() => {
  for (const s of sockets) s.destroy()
  for (const s of servers) s.close()
})

/** A server that keeps what each connection sends; `received(i)` is connection i's bytes so far. */
async function recordingServer(): Promise<{port: number; received: (i: number) => string}> {
  const got: string[] = []
  const server = createServer((c: Socket) => {
    sockets.add(c)
    const i = got.push('') - 1
    c.on('data', (d) => (got[i] += d.toString('latin1')))
    c.on('error', () => {})
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {port: (server.address() as {port: number}).port, received: (i) => got[i] ?? ''}
}

async function connected(port: number): Promise<Socket> {
  const s = connect({port, host: '127.0.0.1', noDelay: true})
  sockets.add(s)
  await once(s, 'connect')
  return s
}

test('the writes of one busy turn are held until its check phase, then leave in the order written', async () => {
  const server = await recordingServer()
  const [a, b] = [await connected(server.port), await connected(server.port)]
  const batch = new WriteBatch({busy: true})
  batch.write(a, 'A', Buffer.from('GET /1 HTTP/1.1\r\n\r\n'))
  batch.write(b, 'B', Buffer.from('GET /2 HTTP/1.1\r\n\r\n'))
  batch.write(a, 'A', Buffer.from('GET /3 HTTP/1.1\r\n\r\n'))
  // Held: still in the sockets' buffers (a connected socket's write would otherwise have left at once).
  assert.deepEqual([a.writableLength, b.writableLength, batch.size], [38, 19, 3])
  await nextCheck()
  assert.deepEqual([a.writableLength, b.writableLength, batch.size], [0, 0, 0])
  await waitFor(() => server.received(0).length === 38 && server.received(1).length === 19, 2000, 'both arrived')
  assert.equal(server.received(0), 'GET /1 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n')
  assert.equal(server.received(1), 'GET /2 HTTP/1.1\r\n\r\n')
  // Nothing stays corked: a write after the turn, outside the batch, leaves at once.
  a.write('x')
  assert.equal(a.writableLength, 0)
})

test('a batch that reaches its size lets its writes go at once', async () => {
  const server = await recordingServer()
  const socks = [await connected(server.port), await connected(server.port), await connected(server.port)]
  const batch = new WriteBatch({busy: true}, 3, 8)
  batch.write(socks[0], 'S0', Buffer.from('a'))
  batch.write(socks[1], 'S1', Buffer.from('b'))
  assert.deepEqual(socks.map((s) => s.writableLength), [1, 1, 0])
  batch.write(socks[2], 'S2', Buffer.from('c'))
  assert.deepEqual(socks.map((s) => s.writableLength), [0, 0, 0])
  assert.equal(batch.size, 0)
  // The next write starts a new batch, held until the end of this turn as usual.
  batch.write(socks[0], 'S0', Buffer.from('d'))
  assert.equal(socks[0].writableLength, 1)
  await nextCheck()
  assert.equal(socks[0].writableLength, 0)
  await waitFor(() => server.received(0) === 'ad' && server.received(1) === 'b' && server.received(2) === 'c', 2000, 'all arrived')
})

test('a write to one backend more than a batch may reach lets the held writes go first, and is held itself', async () => {
  const server = await recordingServer()
  const socks = [await connected(server.port), await connected(server.port), await connected(server.port), await connected(server.port)]
  const batch = new WriteBatch({busy: true}, 64, 2)
  batch.write(socks[0], 'r1', Buffer.from('a'))
  batch.write(socks[1], 'r2', Buffer.from('b'))
  batch.write(socks[2], 'r1', Buffer.from('c'))
  // Two backends so far, three sockets held.
  assert.deepEqual([...socks.map((s) => s.writableLength), batch.size], [1, 1, 1, 0, 3])
  batch.write(socks[3], 'r3', Buffer.from('d'))
  assert.deepEqual([...socks.map((s) => s.writableLength), batch.size], [0, 0, 0, 1, 1])
  await nextCheck()
  assert.deepEqual([socks[3].writableLength, batch.size], [0, 0])
  await waitFor(() => ['a', 'b', 'c', 'd'].every((x, i) => server.received(i) === x), 2000, 'all arrived')
})

test('with the loop not busy, every write leaves at once', async () => {
  const server = await recordingServer()
  const a = await connected(server.port)
  const batch = new WriteBatch({busy: false})
  batch.write(a, 'A', Buffer.from('GET /1 HTTP/1.1\r\n\r\n'))
  assert.deepEqual([a.writableLength, batch.size], [0, 0])
  await waitFor(() => server.received(0) === 'GET /1 HTTP/1.1\r\n\r\n', 2000, 'it arrived')
})

test('the loop is busy after a window it spent running, and not after one it spent waiting', async () => {
  // Sampled by hand (the timer's window is an hour): each sample covers the time since the one before.
  const load = new LoopLoad(3_600_000)
  try {
    load.sample()
    const start = performance.now()
    while (performance.now() - start < 100);
    load.sample()
    assert.equal(load.busy, true, 'after 100 ms of running')
    await sleep(200)
    load.sample()
    assert.equal(load.busy, false, 'after 200 ms of waiting')
  } finally {
    load.stop()
  }
})

/** Runs the loop for `runMs`, then lets it wait `waitMs`, `times` times. */
async function runAndWait(runMs: number, waitMs: number, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const start = performance.now()
    while (performance.now() - start < runMs);
    await sleep(waitMs)
  }
}

test('a window the loop spent two thirds running is busy; one it spent a tenth running is not', async () => {
  // The lean engine at saturation ran its loop 68-93% of each window, and the holds gained from about 40%:
  // two thirds must count as busy. A tenth (about what 1,000 req/s takes) must not. A late timer only adds waiting.
  const load = new LoopLoad(3_600_000)
  try {
    load.sample()
    await runAndWait(20, 10, 5)
    load.sample()
    assert.equal(load.busy, true, 'after 20 ms running for each 10 waiting')
    await runAndWait(2, 18, 5)
    load.sample()
    assert.equal(load.busy, false, 'after 2 ms running for each 18 waiting')
  } finally {
    load.stop()
  }
})
