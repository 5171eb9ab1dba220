import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {request} from 'node:http'
import {childEntry} from '../../src/process/child-entry.js'
import {processAlive} from '../../src/process/process-alive.js'
import {waitFor} from '../helpers/wait-for.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  ms: number
}

function call(port: number, opts: {method?: string; path?: string; headers?: Record<string, string>; body?: string} = {}): Promise<Answer> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, agent: false, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers, timeout: 5000}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({status: res.statusCode!, headers: res.headers, body, ms: performance.now() - t0}))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(opts.body)
  })
}

function startApp(env: Record<string, string>): Promise<{child: ChildProcess; port: number; controlPort: number | null}> {
  const {file, execArgv} = childEntry('replicas/app/standalone')
  const child = spawn(process.execPath, [...execArgv, file], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stderr.on('data', (c) => (err += c))
    child.stdout.on('data', (c) => {
      out += c
      const line = out.split('\n')[0]
      if (out.includes('\n')) {
        const m = JSON.parse(line)
        resolve({child, port: m.port, controlPort: m.controlPort})
      }
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)))
  })
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))))

test('standalone app: answers, control channel with token, drains on SIGTERM', async () => {
  const token = 'secret-token'
  const {child, port, controlPort} = await startApp({PORT: '0', REPLICA: 'r7', LBBENCH_CONTROL_PORT: '0', LBBENCH_CONTROL_TOKEN: token})
  try {
    const a = await call(port)
    assert.deepEqual([a.status, a.headers['x-lbbench-replica'], a.body], [200, 'r7', 'Hello World!'])
    assert.ok(controlPort)
    assert.equal((await call(controlPort, {method: 'POST', path: '/control', body: '{"addLatency": 300}'})).status, 401)
    assert.equal((await call(controlPort, {method: 'POST', path: '/control', headers: {'x-lbbench-token': 'wrong-token!'}, body: '{}'})).status, 401)
    const auth = {'x-lbbench-token': token}
    assert.equal((await call(controlPort, {method: 'POST', path: '/control', headers: auth, body: 'not json'})).status, 400)
    assert.equal((await call(controlPort, {method: 'POST', path: '/control', headers: auth, body: '{"addLatency": 300, "body": 5}'})).status, 204)
    const slow = await call(port)
    assert.equal(slow.body, 'Hello')
    assert.ok(slow.ms >= 300, `${slow.ms}`)
    const state = JSON.parse((await call(controlPort, {path: '/control', headers: auth})).body)
    assert.equal(state.addLatency, 300)
    const counts = JSON.parse((await call(controlPort, {path: '/counts', headers: auth})).body)
    assert.deepEqual(counts, {connections: 2, requests: 2})

    const inflight = call(port)
    // SIGTERM once the app has the request (it answers 300 ms later), however long it took to arrive.
    await waitFor(async () => JSON.parse((await call(controlPort, {path: '/counts', headers: auth})).body).requests === 3, 5000, 'the request arrived')
    child.kill('SIGTERM')
    const drained = await inflight
    assert.equal(drained.status, 200)
    assert.equal(await exitOf(child), 0)
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    await exitOf(child)
    assert.equal(processAlive(child.pid!), false)
  }
})

test('standalone app: refuses a non-loopback HOST and a control port without token', async () => {
  await assert.rejects(startApp({PORT: '0', HOST: '0.0.0.0'}), /HOST must be a loopback address/)
  await assert.rejects(startApp({PORT: '0', LBBENCH_CONTROL_PORT: '0'}), /LBBENCH_CONTROL_TOKEN must be set/)
})

test('standalone app: behaviour from LBBENCH_APP', async () => {
  const {child, port} = await startApp({PORT: '0', LBBENCH_APP: JSON.stringify({errorRate: 1, errorStatus: 502})})
  try {
    assert.equal((await call(port)).status, 502)
  } finally {
    child.kill('SIGKILL')
    await exitOf(child)
  }
})
