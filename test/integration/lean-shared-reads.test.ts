// The lean front reads its plain client connections into one shared buffer (shared-reads.ts), through
// node:net internals that this Node must have: these check that it takes that path here (a Node where it
// silently fell back would only be slower, so a test must say so), and that what the front keeps of a read
// is its own copy, not the shared buffer the next read overwrites: a head split across reads, requests
// sent ahead, and a body in several reads, on real sockets. The same requests go through the front read
// the other way ('data' events, as with TLS) for comparison.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {connect} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import type {FrontServer} from '../../src/proxy/engine.js'
import {createFront} from '../../src/proxy/lean/front.js'
import {frontHandles} from '../helpers/front-handles.js'
import {readsIntoShared} from '../../src/proxy/lean/shared-reads.js'

const {fronts, clients} = frontHandles()

/** A front that answers each request with its target and the body it read, `<target> <body>`. */
async function echoFront(sharedReads: boolean): Promise<{port: number; server: FrontServer}> {
  const server = createFront(
    (req, res) => {
      const parts: Buffer[] = []
      const answer = () => {
        const text = `${req.url} ${Buffer.concat(parts).toString('latin1')}`
        res.writeHead(200, {'content-length': text.length})
        res.end(text)
      }
      if (!req.body) return answer()
      req.body.on('data', (d: Buffer) => parts.push(d))
      req.body.on('end', answer)
    },
    undefined,
    30_000,
    sharedReads,
  )
  fronts.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 511, resolve))
  return {port: (server.address() as {port: number}).port, server}
}

/** Sends `pieces` on one connection, each after a pause (so each arrives in a read of its own); resolves with all it got back once `answers` bodies are in. */
async function exchange(port: number, pieces: string[], answers: number): Promise<string[]> {
  const socket = connect({host: '127.0.0.1', port, noDelay: true})
  clients.add(socket)
  let got = ''
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => (got += d))
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  for (const piece of pieces) {
    socket.write(piece, 'latin1')
    await sleep(30)
  }
  const bodies = (): string[] => got.split('HTTP/1.1 200 OK\r\n').slice(1).map((r) => r.slice(r.indexOf('\r\n\r\n') + 4))
  for (let waited = 0; bodies().length < answers && waited < 3000; waited += 20) await sleep(20)
  socket.destroy()
  return bodies()
}

const pieces = [
  // A head in three reads; the bytes of the first must survive the reads after it.
  'GET /split-',
  'head HTTP/1.1\r\nHo',
  'st: a\r\n\r\n',
  // Two requests sent ahead in one read, the second waiting while the first is answered; then a body in
  // three reads, the first of them with the head.
  'GET /ahead-1 HTTP/1.1\r\nHost: a\r\n\r\nGET /ahead-2 HTTP/1.1\r\nHost: a\r\n\r\n',
  'POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nfirst',
  '-second',
  '',
]
const expected = ['/split-head ', '/ahead-1 ', '/ahead-2 ', '/body first-second']

test('this Node reads the front’s plain connections into the shared buffer, and the front keeps copies of what it holds across reads', async () => {
  const {port, server} = await echoFront(true)
  assert.equal(readsIntoShared(server), true, 'node:net internals this Node should have: the fast path is taken')
  assert.deepEqual(await exchange(port, pieces, expected.length), expected)
})

test('read through data events (as a TLS connection is), the same requests get the same answers', async () => {
  const {port, server} = await echoFront(false)
  assert.equal(readsIntoShared(server), false)
  assert.deepEqual(await exchange(port, pieces, expected.length), expected)
})
