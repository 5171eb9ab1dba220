import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {fork} from 'node:child_process'
import {request} from 'node:http'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {ClusterReplicaSet} from '../../src/replicas/cluster.js'
import {ClusterBalancer} from '../../src/balancers/cluster.js'
import {processAlive} from '../../src/process/process-alive.js'
import {describeWait, exitedInTime} from '../helpers/exit-in-time.js'
import type {ReplicaSetOptions} from '../../src/replicas/replica-set.js'
import type {LoadedScenario, Scenario} from '../../src/model/scenario.js'
import {waitFor} from '../helpers/wait-for.js'
import {tempDir} from '../helpers/temp-dir.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function scenario(count: number, over: Partial<Scenario['replicas']> = {}, policy: 'rr' | 'none' = 'rr'): LoadedScenario {
  const s = {
    name: 'cluster-test',
    seed: 7,
    replicas: {
      count,
      kind: 'cluster',
      app: {latency: {dist: 'fixed', mean: 1}, cpu: 0, body: 12, errorRate: 0, errorStatus: 500, hang: false},
      env: {},
      ready: {path: '/', timeout: 10_000},
      restart: 'never',
      overrides: {},
      ...over,
    },
    balancer: {kind: 'builtin', strategy: 'round-robin', retries: 1, retryNonIdempotent: false, retryBodyLimit: 65536, timeout: 2000, health: {}, engine: 'http-proxy', workers: 1, schedulingPolicy: policy},
    load: {connections: 1, timeout: 2000, phases: [], requests: [], generators: 1},
    faults: [],
    thresholds: [],
    abortOnFail: false,
  } as Scenario
  return {scenario: s, file: 'test.yaml', hash: 'test'}
}

const runDirs: string[] = []
function options(loaded: LoadedScenario, sharedPort = false): ReplicaSetOptions {
  const runDir = mkdtempSync(join(tmpdir(), 'lbbench-cluster-'))
  runDirs.push(runDir)
  return {loaded, runId: 'test', runDir, sharedPort, log: () => {}}
}
after(() => {
  for (const d of runDirs) rmSync(d, {recursive: true, force: true})
})

interface Answer {
  status: number
  replica?: string
  backend?: string
  body: string
  ms: number
}

/** One GET on a fresh connection; rejects on error or after timeoutMs. */
function get(port: number, timeoutMs = 3000): Promise<Answer> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () =>
        resolve({status: res.statusCode!, replica: res.headers['x-lbbench-replica'] as string, backend: res.headers['x-lbbench-backend'] as string, body, ms: performance.now() - t0}),
      )
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

async function medianMs(port: number, n = 5): Promise<number> {
  const ms: number[] = []
  for (let i = 0; i < n; i++) ms.push((await get(port)).ms)
  return ms.sort((a, b) => a - b)[Math.floor(n / 2)]
}

/** Waits until `pids` have gone (a stopped set must leave nothing; the time bounds are exitedInTime's). */
async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline && pids.some(processAlive)) await sleep(25)
  return pids.filter(processAlive)
}

function nextExit(rs: ClusterReplicaSet): Promise<[string, string]> {
  return new Promise((resolve) => rs.once('exit', (id, detail) => resolve([id, detail])))
}

describe('cluster replicas, one port each', () => {
  let rs: ClusterReplicaSet
  let allPids: number[] = []
  const port = (id: string) => rs.list().find((r) => r.id === id)!.port

  before(async () => {
    rs = new ClusterReplicaSet(options(scenario(4, {overrides: {r4: {latency: {dist: 'fixed', mean: 5}}}})))
    await rs.start()
    allPids = rs.pids()
  })
  after(async () => {
    await rs.stop()
    assert.deepEqual(await waitGone(allPids, 3000), [], 'no process is left after stop()')
  })

  test('4 replicas on 4 distinct ports answer Hello World! with their id', async () => {
    const list = rs.list()
    assert.deepEqual(list.map((r) => r.id), ['r1', 'r2', 'r3', 'r4'])
    assert.equal(new Set(list.map((r) => r.port)).size, 4)
    assert.ok(list.every((r) => r.state === 'up' && r.pid && r.host === '127.0.0.1'))
    assert.equal(rs.pids().length, 5, 'the primary and 4 workers')
    for (const r of list) {
      const a = await get(r.port)
      assert.deepEqual([a.status, a.replica, a.body, a.backend], [200, r.id, 'Hello World!', undefined])
    }
  })

  test('the control channel changes a replica\'s latency while it runs', async () => {
    const beforeMs = await medianMs(port('r1'))
    await rs.control('r1', {addLatency: 150})
    const slowMs = await medianMs(port('r1'))
    await rs.control('r1', {reset: true})
    const healedMs = await medianMs(port('r1'))
    assert.ok(beforeMs < 100, `before: ${beforeMs} ms`)
    assert.ok(slowMs >= 150, `slow: ${slowMs} ms`)
    assert.ok(healedMs < 100, `healed: ${healedMs} ms`)
    await rs.control('r1', {errorRate: 1, errorStatus: 503})
    assert.equal((await get(port('r1'))).status, 503)
    await rs.control('r1', {reset: true})
    assert.equal((await get(port('r1'))).status, 200)
  })

  test('hang holds requests until it is lifted, then answers them', async () => {
    await rs.control('r1', {hang: true})
    let answered = false
    const held = get(port('r1'), 5000).then((a) => ((answered = true), a))
    await sleep(300)
    assert.equal(answered, false, 'a hung replica does not answer')
    await rs.control('r1', {reset: true})
    const a = await held
    assert.deepEqual([a.status, a.replica, a.body], [200, 'r1', 'Hello World!'])
  })

  test('the per-replica override applies (r4 answers after 5 ms)', async () => {
    assert.ok((await medianMs(port('r4'), 3)) >= 5)
  })

  test('SIGKILL gives an exit event; restart brings it back under the same id', async () => {
    const {pid: oldPid, port: oldPort} = rs.list().find((r) => r.id === 'r2')!
    const exited = nextExit(rs)
    await rs.signal('r2', 'SIGKILL')
    assert.deepEqual(await exited, ['r2', 'killed by SIGKILL'])
    assert.equal(rs.list().find((r) => r.id === 'r2')!.state, 'exited')
    await assert.rejects(get(port('r2'), 1000))
    const ready = new Promise((resolve) => rs.once('ready', resolve))
    const info = await rs.restart('r2')
    assert.equal((await ready as {id: string}).id, 'r2')
    assert.equal(info.id, 'r2')
    assert.equal(info.state, 'up')
    assert.notEqual(info.pid, oldPid)
    assert.equal(info.port, oldPort, 'it comes back on its old port when that is free')
    const a = await get(info.port)
    assert.deepEqual([a.status, a.replica], [200, 'r2'])
    allPids.push(info.pid!)
  })

  test('SIGSTOP holds requests; SIGCONT serves them', async () => {
    await rs.signal('r3', 'SIGSTOP')
    assert.equal(rs.list().find((r) => r.id === 'r3')!.state, 'paused')
    let answered = false
    const pending = get(port('r3'), 5000).then((a) => ((answered = true), a))
    await sleep(400)
    assert.equal(answered, false, 'a paused replica does not answer')
    await rs.signal('r3', 'SIGCONT')
    const a = await pending
    assert.deepEqual([a.status, a.replica], [200, 'r3'])
    assert.equal(rs.list().find((r) => r.id === 'r3')!.state, 'up')
  })

  test('SIGTERM drains an in-flight slow request, then the replica exits', async () => {
    await rs.control('r4', {addLatency: 600})
    const before = (await rs.counts()).requests.r4
    const inflight = get(port('r4'), 5000)
    // SIGTERM once r4 has the request (it answers 600 ms later), however long it took to arrive.
    await waitFor(async () => (await rs.counts()).requests.r4 > before, 5000, 'r4 has the request')
    const exited = nextExit(rs)
    await rs.signal('r4', 'SIGTERM')
    const a = await inflight
    assert.deepEqual([a.status, a.replica, a.body], [200, 'r4', 'Hello World!'])
    assert.deepEqual(await exited, ['r4', 'exited with code 0'])
    await assert.rejects(get(port('r4'), 1000), 'it no longer accepts connections')
  })

  test('stop() is idempotent and leaves no process', async () => {
    const pids = rs.pids()
    await Promise.all([rs.stop(), rs.stop()])
    await rs.stop()
    assert.deepEqual(await waitGone(pids, 3000), [])
    assert.deepEqual(rs.pids(), [])
  })
})

test('a lost primary takes its workers down within 2 s', async () => {
  const rs = new ClusterReplicaSet(options(scenario(2)))
  await rs.start()
  const pids = rs.pids()
  const primary = rs.primaryPid()!
  const workers = pids.filter((p) => p !== primary)
  assert.equal(workers.length, 2)
  process.kill(primary, 'SIGKILL')
  const wait = await exitedInTime(() => workers.filter(processAlive), 2000)
  await rs.stop()
  assert.deepEqual(wait.left, [], `workers still alive after the primary died: ${describeWait(wait, 2000)}`)
})

for (const paused of [false, true]) {
  test(`a SIGKILLed orchestrator takes the primary and its workers down within 2 s${paused ? ' (one worker paused)' : ''}`, async () => {
    const owner = fork(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cluster-owner.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {...process.env, SCENARIO: JSON.stringify(scenario(2).scenario), RUN_DIR: tempDir('owner'), ...(paused ? {PAUSE: 'r1'} : {})},
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const {pids} = await new Promise<{pids: number[]}>((resolve, reject) => {
      owner.once('message', resolve)
      owner.once('exit', (code) => reject(new Error(`the owner exited with ${code}`)))
    })
    assert.equal(pids.length, 3)
    owner.kill('SIGKILL')
    const wait = await exitedInTime(() => pids.filter(processAlive), 2000)
    for (const pid of wait.left) process.kill(pid, 'SIGKILL')
    assert.deepEqual(wait.left, [], describeWait(wait, 2000))
  })
}

test('the cluster balancer refuses replicas without a shared port', async () => {
  const loaded = scenario(1)
  const balancer = new ClusterBalancer({loaded, runDir: '', log: () => {}})
  await assert.rejects(balancer.start([]), (err: Error & {exitCode?: number}) => err.exitCode === 3 && /needs replicas\.kind: cluster/.test(err.message))
})

test('a replica that cannot become ready is a RunError (exit 3) naming it', async () => {
  const rs = new ClusterReplicaSet(options(scenario(2, {ready: {path: '/', timeout: 6000}, overrides: {r2: {latency: {dist: 'fixed', mean: 60_000}}}})))
  await assert.rejects(rs.start(), (err: Error & {exitCode?: number}) => {
    assert.equal(err.exitCode, 3)
    // r2 takes a minute to answer; on a busy machine r1 may not have made it in time either.
    assert.match(err.message, /^replica r2 was not ready within 6s/m)
    return true
  })
  assert.deepEqual(await waitGone(rs.pids(), 3000), [])
})

for (const policy of ['rr', 'none'] as const) {
  test(`shared port (${policy}): 2 workers share one port, both get connections, counts reported`, async () => {
    const loaded = scenario(2, {}, policy)
    const rs = new ClusterReplicaSet(options(loaded, true))
    try {
      await rs.start()
      const list = rs.list()
      assert.equal(list[0].port, list[1].port)
      const balancer = new ClusterBalancer({loaded, runDir: '', log: () => {}, replicaSet: rs})
      const [url] = await balancer.start(list)
      assert.equal(url, `http://127.0.0.1:${list[0].port}`)
      assert.deepEqual(balancer.pids(), [rs.primaryPid()])
      const seen: Record<string, number> = {}
      const n = 40
      // Fresh connections, a few at a time, so `none` (workers racing to accept) has a chance to spread too.
      for (let i = 0; i < n; i += 4) {
        const batch = await Promise.all(Array.from({length: 4}, () => get(list[0].port)))
        for (const a of batch) {
          assert.equal(a.backend, a.replica, 'x-lbbench-backend is stamped in shared mode')
          seen[a.replica!] = (seen[a.replica!] ?? 0) + 1
        }
      }
      assert.deepEqual(Object.keys(seen).sort(), ['r1', 'r2'], JSON.stringify(seen))
      const stats = await balancer.stats()
      assert.deepEqual(stats.requests, seen)
      assert.deepEqual(stats.connections, seen, 'one request per connection here, probes not counted')
      assert.deepEqual(stats.attempts, seen)
      // rr hands each connection to the next worker that is free: concurrent ones may not alternate, one
      // at a time they take turns (within one, should a worker not have said it was free again yet).
      if (policy === 'rr') {
        const turns: Record<string, number> = {}
        for (let i = 0; i < 20; i++) {
          const a = await get(list[0].port)
          turns[a.replica!] = (turns[a.replica!] ?? 0) + 1
        }
        assert.ok(Math.abs((turns.r1 ?? 0) - (turns.r2 ?? 0)) <= 2, `one connection at a time: ${JSON.stringify(turns)}`)
      }
      await balancer.stop()
    } finally {
      const pids = rs.pids()
      await rs.stop()
      assert.deepEqual(await waitGone(pids, 3000), [])
    }
  })
}

test('shared port: a killed worker restarts on the same shared port and its counts carry on', async () => {
  const rs = new ClusterReplicaSet(options(scenario(2), true))
  try {
    await rs.start()
    const port = rs.list()[0].port
    for (let i = 0; i < 6; i++) await get(port)
    const before = await rs.counts()
    const exited = nextExit(rs)
    await rs.signal('r1', 'SIGKILL')
    await exited
    for (let i = 0; i < 4; i++) assert.equal((await get(port)).replica, 'r2')
    const info = await rs.restart('r1')
    assert.equal(info.port, port)
    const seen = new Set<string>()
    for (let i = 0; i < 6; i++) seen.add((await get(port)).replica!)
    assert.ok(seen.has('r1'), 'the restarted worker gets connections again')
    const c = await rs.counts()
    assert.equal(c.requests.r1 + c.requests.r2, before.requests.r1 + before.requests.r2 + 10)
  } finally {
    const pids = rs.pids()
    await rs.stop()
    assert.deepEqual(await waitGone(pids, 3000), [])
  }
})
