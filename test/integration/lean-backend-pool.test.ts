// The lean engine's backend pool keeps one lazy per-try timer per socket (taking a socket sets a deadline;
// the timer waits again when the deadline moved) instead of making or restarting a timer per request, and
// finds idle sockets by a sweep rather than a timer per socket. These check what that must still mean, on
// real sockets to a raw node:net server: the owner at the time hears of a timeout exactly once, a socket
// taken again gives its new owner the whole time (longer or shorter than the last owner's), and an idle
// socket is closed after the idle time but not while in use.
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
  const address = pool.address('127.0.0.1', server.port)
  const first = owner()
  const firstTake = performance.now()
  const socket = pool.take(address, first, 1000)
  sockets.add(socket)
  await sleep(500)
  pool.give(socket)
  const second = owner()
  const secondTake = performance.now()
  assert.equal(socket.reused, false, 'a new socket')
  const again = pool.take(address, second, 1000)
  assert.equal(again, socket, 'the idle socket is taken again')
  assert.equal(again.reused, true)
  // Past the first owner's deadline (gone, so nobody hears of it) and short of the second's.
  await until(firstTake, 1250)
  assert.ok(performance.now() < secondTake + 1000, 'checked before the second deadline')
  assert.deepEqual([first.timeouts, second.timeouts], [0, 0])
  await until(secondTake, 1300)
  assert.deepEqual([first.timeouts, second.timeouts], [0, 1], 'the second owner, once, 1 s after its own take')
  pool.close()
})

test('a socket taken again with a shorter time than its last owner had times out by the shorter one; with none, never', async () => {
  const server = await silentServer()
  const pool = new BackendPool(10_000)
  const address = pool.address('127.0.0.1', server.port)
  const first = owner()
  const socket = pool.take(address, first, 3000)
  sockets.add(socket)
  await sleep(100)
  pool.give(socket)
  const second = owner()
  const secondTake = performance.now()
  assert.equal(pool.take(address, second, 500), socket)
  await until(secondTake, 1000)
  assert.deepEqual([first.timeouts, second.timeouts], [0, 1], 'the second owner, by its own 500 ms, not by the 3 s the first had')
  pool.give(socket)
  const third = owner()
  const thirdTake = performance.now()
  assert.equal(pool.take(address, third, 0), socket)
  await until(thirdTake, 1000)
  assert.equal(third.timeouts, 0, 'no time given, no timeout')
  pool.close()
})

test('a socket given back is closed after the idle time, and not while an attempt holds it', async () => {
  const server = await silentServer()
  const idleMs = 500
  const pool = new BackendPool(idleMs)
  const address = pool.address('127.0.0.1', server.port)
  const held = pool.take(address, owner(), 0)
  const idle = pool.take(address, owner(), 0)
  sockets.add(held).add(idle)
  const given = performance.now()
  pool.give(idle)
  assert.deepEqual(address.idle, [idle])
  await waitFor(() => server.closed() === 1, 3000, 'the idle one closed')
  // Found by the sweep after the idle time and at most an eighth more (the rest: a busy machine's late timers).
  const closedAfter = performance.now() - given
  assert.ok(closedAfter >= idleMs - 1 && closedAfter < 2 * idleMs + 300, `closed ${Math.round(closedAfter)} ms after it was given back`)
  assert.equal(server.opened(), 2)
  assert.equal(idle.destroyed, true)
  assert.equal(held.destroyed, false, 'the one in use stays')
  assert.deepEqual(address.idle, [])
  // Given back and taken again before the idle time ends: it stays open through the first idle time.
  const givenAgain = performance.now()
  pool.give(held)
  await sleep(100)
  const taken = pool.take(address, owner(), 0)
  assert.equal(taken, held)
  await until(givenAgain, idleMs + 250)
  assert.equal(held.destroyed, false, 'taken again, so not idle when its first idle time ended')
  pool.give(held)
  await waitFor(() => held.destroyed && server.closed() === 2, 3000, 'closed once idle again')
})

test('a socket given back after the pool was closed is closed at once (no sweep would find it)', async () => {
  const server = await silentServer()
  const pool = new BackendPool(10_000)
  const address = pool.address('127.0.0.1', server.port)
  const socket = pool.take(address, owner(), 0)
  sockets.add(socket)
  await waitFor(() => server.opened() === 1, 3000, 'connected')
  pool.close()
  pool.give(socket)
  assert.equal(socket.destroyed, true)
  assert.deepEqual(address.idle, [])
  await waitFor(() => server.closed() === 1, 3000, 'the backend saw it close')
})
