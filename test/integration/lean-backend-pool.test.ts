// The lean engine's backend pool keeps one per-try timer per socket and restarts it instead of making a
// timer per request, and finds idle sockets by a sweep rather than a timer per socket. These check what
// that must still mean, on real sockets to a raw node:net server: the owner at the time hears of a timeout
// exactly once, a socket taken again restarts its owner's time, and an idle socket is closed after the
// idle time but not while in use.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {createServer, type Server, type Socket} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import {BackendPool, type SocketOwner} from '../../src/proxy/lean/backend-pool.js'
import {waitFor} from '../helpers/wait-for.js'

const servers: Server[] = []
const sockets = new Set<Socket>()
// Whatever a failed assertion left open is closed, so that a failure fails instead of keeping the run alive.
after(() => {
  for (const s of sockets) s.destroy()
  for (const s of servers) s.close()
})

/** A server that never answers; counts the connections it saw close. */
async function silentServer(): Promise<{port: number; opened: () => number; closed: () => number}> {
  let opened = 0
  let closed = 0
  const server = createServer((c: Socket) => {
    sockets.add(c)
    opened++
    c.on('close', () => closed++)
    c.on('error', () => {})
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as {port: number}).port
  return {port, opened: () => opened, closed: () => closed}
}

function owner(): SocketOwner & {timeouts: number} {
  return {timeouts: 0, onData: () => {}, onError: () => {}, onClose: () => {}, onTimeout() {
    this.timeouts++
  }}
}

/** Sleeps until `ms` after `from` (performance.now() time), however late the sleeps before it ran. */
const until = (from: number, ms: number) => sleep(Math.max(0, from + ms - performance.now()))

// The times are wide apart (a timer of 1 s, checks 250 ms from either deadline) so that a busy machine's
// late timers cannot reorder them; each wait is measured from when the thing it waits on began.
test('the owner of a socket hears of its per-try timeout once; a socket taken again restarts the time for its new owner', async () => {
  const server = await silentServer()
  const pool = new BackendPool(10_000)
  const key = `127.0.0.1:${server.port}`
  const first = owner()
  const firstTake = performance.now()
  const {socket} = pool.take('127.0.0.1', server.port, key, first, 1000)
  sockets.add(socket)
  await sleep(500)
  pool.give(socket)
  const second = owner()
  const secondTake = performance.now()
  const again = pool.take('127.0.0.1', server.port, key, second, 1000)
  assert.equal(again.socket, socket, 'the idle socket is taken again')
  assert.equal(again.reused, true)
  // Past the first owner's deadline (gone, so nobody hears of it) and short of the second's.
  await until(firstTake, 1250)
  assert.ok(performance.now() < secondTake + 1000, 'checked before the second deadline')
  assert.deepEqual([first.timeouts, second.timeouts], [0, 0])
  await until(secondTake, 1300)
  assert.deepEqual([first.timeouts, second.timeouts], [0, 1], 'the second owner, once, 1 s after its own take')
  pool.close()
})

test('a socket given back is closed after the idle time, and not while an attempt holds it', async () => {
  const server = await silentServer()
  const idleMs = 500
  const pool = new BackendPool(idleMs)
  const key = `127.0.0.1:${server.port}`
  const held = pool.take('127.0.0.1', server.port, key, owner(), 0).socket
  const idle = pool.take('127.0.0.1', server.port, key, owner(), 0).socket
  sockets.add(held).add(idle)
  const given = performance.now()
  pool.give(idle)
  assert.equal(pool.idleCount(key), 1)
  await waitFor(() => server.closed() === 1, 3000, 'the idle one closed')
  // Found by the sweep after the idle time and at most an eighth more (the rest: a busy machine's late timers).
  const closedAfter = performance.now() - given
  assert.ok(closedAfter >= idleMs - 1 && closedAfter < 2 * idleMs + 300, `closed ${Math.round(closedAfter)} ms after it was given back`)
  assert.equal(server.opened(), 2)
  assert.equal(idle.destroyed, true)
  assert.equal(held.destroyed, false, 'the one in use stays')
  assert.equal(pool.idleCount(key), 0)
  // Given back and taken again before the idle time ends: it stays open through the first idle time.
  const givenAgain = performance.now()
  pool.give(held)
  await sleep(100)
  const taken = pool.take('127.0.0.1', server.port, key, owner(), 0)
  assert.equal(taken.socket, held)
  await until(givenAgain, idleMs + 250)
  assert.equal(held.destroyed, false, 'taken again, so not idle when its first idle time ended')
  pool.give(held)
  await waitFor(() => held.destroyed && server.closed() === 2, 3000, 'closed once idle again')
})

test('a socket given back after the pool was closed is closed at once (no sweep would find it)', async () => {
  const server = await silentServer()
  const pool = new BackendPool(10_000)
  const key = `127.0.0.1:${server.port}`
  const {socket} = pool.take('127.0.0.1', server.port, key, owner(), 0)
  sockets.add(socket)
  await waitFor(() => server.opened() === 1, 3000, 'connected')
  pool.close()
  pool.give(socket)
  assert.equal(socket.destroyed, true)
  assert.equal(pool.idleCount(key), 0)
  await waitFor(() => server.closed() === 1, 3000, 'the backend saw it close')
})
