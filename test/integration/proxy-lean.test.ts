// The lean engine with a scripted raw backend: the response framings it must pass through as they came
// (chunked, until-close, HEAD, an interim 103), a response it must refuse (Content-Length with
// Transfer-Encoding: 502), pipelined requests answered in order, Expect: 100-continue, and backend
// connections kept alive between requests.
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
