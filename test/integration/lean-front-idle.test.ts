// The lean front closes a client connection that stays idle for its idle time, found by a sweep of the
// connections rather than a timer per connection restarted per response. These check what that must still
// mean, on real sockets: a connection that never sends, and one idle after its response, are closed after
// the idle time and not before; one whose request is still being answered is not closed at all then.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {connect, type Socket} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import {createFront} from '../../src/proxy/lean/front.js'
import type {LeanResponse} from '../../src/proxy/lean/messages.js'
import {frontHandles} from '../helpers/front-handles.js'
import {waitFor} from '../helpers/wait-for.js'

const idleMs = 600
const {fronts, clients} = frontHandles()

/** A front whose requests are answered when the test says (`held` holds the responses not yet answered). */
async function front(): Promise<{port: number; held: LeanResponse[]}> {
  const held: LeanResponse[] = []
  const server = createFront((_req, res) => void held.push(res), undefined, idleMs)
  fronts.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 511, resolve))
  return {port: (server.address() as {port: number}).port, held}
}

/** A client connection that records when it was closed by the front (performance.now() time). */
async function client(port: number): Promise<{socket: Socket; closedAt: () => number | undefined; received: () => string}> {
  const socket = connect({host: '127.0.0.1', port})
  clients.add(socket)
  let closedAt: number | undefined
  let received = ''
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => (received += d))
  socket.on('close', () => (closedAt = performance.now()))
  socket.on('error', () => {})
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  return {socket, closedAt: () => closedAt, received: () => received}
}

function answer(res: LeanResponse): void {
  res.writeHead(200, {'content-type': 'text/plain', 'content-length': 3})
  res.end('ok\n')
}

test('a connection that sends nothing, or nothing after its response, is closed once the idle time has passed', async () => {
  const {port, held} = await front()
  const opened = performance.now()
  const silent = await client(port)
  const served = await client(port)
  served.socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
  await waitFor(() => held.length === 1, 3000, 'the request reached the front')
  // Answered a third of the idle time after opening: its idle time starts again there.
  await sleep(idleMs / 3)
  const answeredAt = performance.now()
  answer(held[0])
  await waitFor(() => silent.closedAt() !== undefined && served.closedAt() !== undefined, 5000, 'both closed')
  // Found by the sweep after the idle time and at most a thirtieth more (the rest: a busy machine's late timers).
  const inTime = (ms: number) => ms >= idleMs - 1 && ms < 2 * idleMs + 300
  assert.ok(inTime(silent.closedAt()! - opened), `the silent one closed ${Math.round(silent.closedAt()! - opened)} ms after opening`)
  assert.ok(inTime(served.closedAt()! - answeredAt), `the served one closed ${Math.round(served.closedAt()! - answeredAt)} ms after its response`)
  assert.match(served.received(), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok\n$/)
})

test('a connection whose request is still being answered is not closed when the idle time passes', async () => {
  const {port, held} = await front()
  const busy = await client(port)
  busy.socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
  await waitFor(() => held.length === 1, 3000, 'the request reached the front')
  await sleep(idleMs * 2)
  assert.equal(busy.closedAt(), undefined, 'open while its request is in progress')
  const answeredAt = performance.now()
  answer(held[0])
  await waitFor(() => busy.closedAt() !== undefined, 5000, 'closed once idle after its response')
  const closedAfter = busy.closedAt()! - answeredAt
  assert.ok(closedAfter >= idleMs - 1 && closedAfter < 2 * idleMs + 300, `closed ${Math.round(closedAfter)} ms after its response`)
  assert.match(busy.received(), /\r\n\r\nok\n$/)
})
