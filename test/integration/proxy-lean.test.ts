// The lean engine with a scripted raw backend: the response framings it must pass through as they came
// (chunked, until-close, HEAD, an interim 103), a response it must refuse (Content-Length with
// Transfer-Encoding: 502), pipelined requests answered in order, Expect: 100-continue, a head arriving in
// pieces while other clients are served, and backend connections kept alive between requests. Large
// bodies reach slow and fast clients byte for byte while other responses are read at the same time (every
// backend socket reads into one shared buffer).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type AddressInfo, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {balancerKinds} from '../../src/balancers/registry.js'
import type {Balancer} from '../../src/balancers/balancer.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'
import {send} from './framing-vectors.js'

/** The backend's answer to each path, as raw bytes. */
const answers: Record<string, string> = {
  '/chunked': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: 1\r\n\r\n',
  '/until-close': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it',
  '/hints': 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  '/both': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  '/head': 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n',
}
const connections: Socket[] = []
const received: string[] = []
let backend: Server
let balancer: Balancer
let port = 0
const runDir = mkdtempSync(join(tmpdir(), 'lbbench-lean-'))

before(async () => {
  backend = createServer((socket) => {
    connections.push(socket)
    let buf = ''
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1')
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end)
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0)
        if (buf.length < end + 4 + length) return
        received.push(buf.slice(0, end + 4 + length))
        buf = buf.slice(end + 4 + length)
        const path = head.split(' ')[1]
        if (path.startsWith('/big/')) {
          writeBig(socket, path)
          continue
        }
        const answer = answers[path] ?? `HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`
        if (path === '/until-close') socket.end(answer, 'latin1')
        else socket.write(answer, 'latin1')
      }
    })
  })
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve))
  const scenario = balancerScenario({kind: 'builtin', engine: 'lean', retries: 0}, 1)
  balancer = await balancerKinds.get('builtin')!.create({loaded: {scenario, file: 'test', hash: 'test'}, runDir, log: () => {}})
  const [url] = await balancer.start([{id: 'r1', host: '127.0.0.1', port: (backend.address() as AddressInfo).port}])
  port = Number(new URL(url).port)
})

after(async () => {
  await balancer.stop()
  for (const s of connections) s.destroy()
  await new Promise((resolve) => backend.close(resolve))
  rmSync(runDir, {recursive: true, force: true})
})

/** The raw reply to `bytes` on a new connection, read until the proxy closes it or goes quiet. */
async function raw(bytes: string): Promise<string> {
  const {connect} = await import('node:net')
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const s = connect({host: '127.0.0.1', port})
    let timer = setTimeout(() => s.destroy(), 300)
    s.on('data', (d: Buffer) => {
      chunks.push(d)
      clearTimeout(timer)
      timer = setTimeout(() => s.destroy(), 300)
    })
    s.on('error', () => {})
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    s.write(bytes, 'latin1')
  })
}

/**
 * 12 MiB whose every byte depends on its position and on `seed`: more than a stopped client's kernel
 * buffers take on loopback, so the proxy holds some of it queued while other responses are read.
 */
const bigBytes = 12 * 1024 * 1024
function bigBody(seed: number): Buffer {
  const b = Buffer.allocUnsafe(bigBytes)
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + seed + (i >> 12)) & 0xff
  return b
}

/** `/big/<seed>/length` or `/big/<seed>/chunked`: the body sent in 1 MiB writes, framed as asked. */
function writeBig(socket: Socket, path: string): void {
  const [, , seed, framing] = path.split('/')
  const body = bigBody(Number(seed))
  const parts: Buffer[] = []
  for (let i = 0; i < body.length; i += 1024 * 1024) parts.push(body.subarray(i, i + 1024 * 1024))
  if (framing === 'length') {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1')
    for (const part of parts) socket.write(part)
  } else {
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1')
    for (const part of parts) socket.write(Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]))
    socket.write('0\r\n\r\n', 'latin1')
  }
}

/** The body of a response to GET `path`, de-chunked; a slow reader stops for 300 ms after its first read. */
async function bodyOf(path: string, slow: boolean): Promise<Buffer> {
  const {connect} = await import('node:net')
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let received = 0
    let tail = Buffer.alloc(0)
    let done = (): boolean => received >= bigBytes && tail.equals(Buffer.from('0\r\n\r\n'))
    const s = connect({host: '127.0.0.1', port})
    s.on('data', (d: Buffer) => {
      chunks.push(d)
      received += d.length
      tail = Buffer.concat([tail, d.subarray(-5)]).subarray(-5)
      if (chunks.length === 1) {
        const headLength = d.indexOf('\r\n\r\n') + 4
        if (/content-length/i.test(d.toString('latin1', 0, headLength))) done = () => received >= headLength + bigBytes
        if (slow) {
          s.pause()
          setTimeout(() => s.resume(), 300)
        }
      }
      if (!done()) return
      s.destroy()
      resolve(Buffer.concat(chunks))
    })
    s.on('error', reject)
    s.write(get(path), 'latin1')
  })
  const headEnd = reply.indexOf('\r\n\r\n') + 4
  assert.match(reply.toString('latin1', 0, headEnd), /^HTTP\/1\.1 200 OK\r\n/)
  if (!path.endsWith('chunked')) return reply.subarray(headEnd)
  const parts: Buffer[] = []
  for (let i = headEnd; ; ) {
    const lineEnd = reply.indexOf('\r\n', i)
    const size = parseInt(reply.toString('latin1', i, lineEnd), 16)
    if (size === 0) break
    parts.push(reply.subarray(lineEnd + 2, lineEnd + 2 + size))
    i = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}

const get = (path: string, method = 'GET') => `${method} ${path} HTTP/1.1\r\nHost: a\r\n\r\n`

test('a chunked response passes through as it came, stamped, and the backend connection is kept', async () => {
  const before = connections.length
  const reply = await raw(get('/chunked') + get('/chunked'))
  const one = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx-lbbench-backend: r1\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: 1\r\n\r\n'
  assert.equal(reply, one + one)
  assert.ok(connections.length - before <= 1, `backend connections opened: ${connections.length - before}`)
})

test('a response framed by the backend closing reaches the client whole, and then its connection closes', async () => {
  const reply = await raw(get('/until-close') + get('/other'))
  assert.equal(reply, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nx-lbbench-backend: r1\r\nconnection: close\r\n\r\nall of it')
})

test('HEAD gets no body whatever Content-Length says; an interim 103 is passed on before the answer', async () => {
  assert.equal(await raw(get('/head', 'HEAD') + get('/x')), 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nx-lbbench-backend: r1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-lbbench-backend: r1\r\n\r\n/x')
  assert.equal(await raw(get('/hints')), 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\nx-lbbench-backend: r1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-lbbench-backend: r1\r\n\r\nok')
})

test('a response with both Content-Length and Transfer-Encoding is not forwarded: 502', async () => {
  assert.deepEqual((await send(port, get('/both'))).statuses, [502])
})

test('pipelined requests are answered in order; Expect: 100-continue is answered by the proxy and not forwarded', async () => {
  assert.deepEqual((await send(port, get('/1') + get('/2') + get('/3'))).statuses, [200, 200, 200])
  const reply = await raw('PUT /put HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody')
  assert.match(reply, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
  assert.match(reply, /\r\nconnection: close\r\n/)
  const forwarded = received.find((r) => r.startsWith('PUT /put '))!
  assert.equal(forwarded, 'PUT /put HTTP/1.1\r\nHost: a\r\ncontent-length: 4\r\n\r\nbody')
})

test('a head that arrives in pieces (a slow client) is answered once whole, and other clients are served meanwhile', async () => {
  const {connect} = await import('node:net')
  const slow = connect({host: '127.0.0.1', port, noDelay: true})
  let reply = ''
  slow.setEncoding('latin1')
  slow.on('data', (d: string) => (reply += d))
  slow.on('error', () => {})
  await new Promise<void>((resolve) => slow.once('connect', () => resolve()))
  try {
    slow.write('GET /pie')
    await new Promise((resolve) => setTimeout(resolve, 100))
    // A proxy stuck on the piece it has (as the lean front once was, spinning) answers nobody.
    assert.deepEqual((await send(port, get('/other'))).statuses, [200], 'another client, while the head is incomplete')
    slow.write('ces HTTP/1.1\r\nHo')
    await new Promise((resolve) => setTimeout(resolve, 100))
    slow.write('st: a\r\n\r\n')
    for (let waited = 0; !reply.endsWith('/pieces') && waited < 3000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20))
    assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n\/pieces$/)
  } finally {
    slow.destroy()
  }
})

test('12 MiB bodies, by length and chunked, reach a slow and a fast client at once byte for byte', async () => {
  const paths = ['/big/1/length', '/big/2/chunked', '/big/3/length', '/big/4/chunked']
  const bodies = await Promise.all(paths.map((path, i) => bodyOf(path, i % 2 === 0)))
  for (const [i, path] of paths.entries()) assert.ok(bodies[i].equals(bigBody(Number(path.split('/')[2]))), `${path}: the body differs from what the backend sent`)
})
