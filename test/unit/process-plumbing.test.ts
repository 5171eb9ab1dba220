// The shared child-process plumbing without a child: questions and answers over a channel (replies.ts),
// the one free-port finder, and the one HTTP probe, each on the behaviour the four users rely on.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {createServer} from 'node:http'
import {createServer as createTcpServer} from 'node:net'
import {Replies} from '../../src/process/replies.js'
import {freePort, releasePort} from '../../src/process/free-port.js'
import {answeredOk, probeHttp} from '../../src/process/wait-http.js'
import {describeExit} from '../../src/process/program-exit.js'

type Msg = {type: 'answer'; reqId?: number; value: number} | {type: 'error'; message: string}

function channel(): {replies: Replies<Msg>; sent: Array<{type: string; reqId?: number}>; open: {value: boolean}} {
  const sent: Array<{type: string; reqId?: number}> = []
  const open = {value: true}
  const replies = new Replies<Msg>((q) => {
    if (!open.value) return false
    sent.push(q as {type: string; reqId?: number})
    return true
  })
  return {replies, sent, open}
}

const timeout = () => new Error('timed out')

describe('Replies: ask with a time limit', () => {
  test('an answer settles the question that carries its reqId, and no other', async () => {
    const {replies, sent} = channel()
    const first = replies.ask({type: 'q'}, 'answer', 1000, {timeout})
    const second = replies.ask({type: 'q'}, 'answer', 1000, {timeout})
    assert.deepEqual(sent.map((q) => q.reqId), [1, 2])
    replies.take({type: 'answer', reqId: 2, value: 20})
    // An answer without a reqId (something sent unasked) answers no question.
    replies.take({type: 'answer', value: 0})
    replies.take({type: 'answer', reqId: 1, value: 10})
    assert.deepEqual([(await first).value, (await second).value], [10, 20])
  })

  test('no answer in time rejects with the caller’s error', async () => {
    const {replies} = channel()
    await assert.rejects(replies.ask({type: 'q'}, 'answer', 20, {timeout: () => new Error('no answer within 20 ms')}), /no answer within 20 ms/)
  })

  test('a closed channel or a gone peer rejects with the `gone` error; a failure message with its own', async () => {
    const {replies, open} = channel()
    const gone = () => new Error('it exited')
    const failure = (m: Msg) => (m.type === 'error' ? new Error(`failed: ${m.message}`) : undefined)
    const pending = replies.ask({type: 'q'}, 'answer', 1000, {timeout, gone})
    const failing = replies.expect('answer', 1000, {timeout, failure})
    replies.take({type: 'error', message: 'no engine'})
    await assert.rejects(failing, /failed: no engine/)
    replies.abandon()
    await assert.rejects(pending, /it exited/)
    open.value = false
    await assert.rejects(replies.ask({type: 'q'}, 'answer', 1000, {timeout, gone}), /it exited/)
  })

  test('expect() takes the next message of its type, with or without a reqId', async () => {
    const {replies, sent} = channel()
    const next = replies.expect('answer', 1000, {timeout})
    assert.equal(sent.length, 0, 'expect sends nothing')
    replies.take({type: 'answer', value: 7})
    assert.equal((await next).value, 7)
  })
})

describe('freePort', () => {
  test('hands out a bindable port below the ephemeral range, never the same one twice until released', async () => {
    const ports = await Promise.all(Array.from({length: 20}, () => freePort()))
    assert.equal(new Set(ports).size, ports.length)
    for (const port of ports) assert.ok(port >= 20000 && port <= 32767, `port ${port}`)
    const server = createTcpServer()
    await new Promise<void>((resolve) => server.listen({port: ports[0], host: '127.0.0.1'}, resolve))
    await new Promise((r) => server.close(r))
    for (const port of ports) releasePort(port)
  })
})

describe('probeHttp', () => {
  test('reports the status, a refused connection, and no answer in time', async () => {
    const probeHeaders: Array<string | undefined> = []
    const server = createServer((req, res) => {
      probeHeaders.push(req.headers['x-probe'] as string | undefined)
      if (req.url === '/hang') return
      res.statusCode = req.url === '/ok' ? 204 : 503
      res.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as {port: number}
    try {
      const ok = await probeHttp({port, path: '/ok'}, 1000, {'x-probe': '1'})
      assert.deepEqual(ok, {status: 204})
      assert.ok(answeredOk(ok))
      const down = await probeHttp({port, path: '/down'}, 1000)
      assert.deepEqual(down, {status: 503})
      assert.ok(!answeredOk(down))
      assert.deepEqual(await probeHttp({port, path: '/hang'}, 100), {timedOut: true})
      assert.deepEqual(probeHeaders, ['1', undefined, undefined], 'the caller’s headers go with its probe only')
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
    const refused = await probeHttp({port, path: '/'}, 1000)
    assert.equal('error' in refused && refused.error.code, 'ECONNREFUSED')
  })
})

test('describeExit words a signal and a code the way every part reports them', () => {
  assert.equal(describeExit({code: null, signal: 'SIGKILL'}), 'killed by SIGKILL')
  assert.equal(describeExit({code: 3, signal: null}), 'exited with code 3')
})
