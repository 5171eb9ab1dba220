// balancer.workers: the built-in proxy as a cluster primary with N workers behind one port, each with its
// own state; the orchestrator talks only to the primary.
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {BuiltinBalancer} from '../../src/balancers/builtin.js'
import {childEntry} from '../../src/process/child-entry.js'
import type {BalancerSpec, LoadedScenario, Scenario} from '../../src/model/scenario.js'
import {runDir} from './replica-scenario.js'
import {describeWait, exitedInTime} from '../helpers/exit-in-time.js'
import {backends, balancerSpec, load, sleep, TestBackend, WorkerProxies, type RunningProxy} from './proxy-fixtures.js'
import {processAlive} from '../../src/process/process-alive.js'

/** A process's command line before its script: its Node flags. */
const nodeFlagsOf = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(1).filter((a) => a.startsWith('--'))

const run = new WorkerProxies()
const {pids, servers, stops} = run
const setup = (n: number, over: Partial<BalancerSpec> = {}) => run.setup(n, over)

describe('built-in proxy with 2 workers', () => {
  for (const engine of ['undici', 'lean'] as const)
  test(`through BuiltinBalancer (${engine} engine): one port, both workers serve, shares within 2% of 25%, counters summed`, async () => {
    const bs = await backends(4)
    servers.push(...bs)
    const scenario = {seed: 1, balancer: balancerSpec({engine, workers: 2}), replicas: {overrides: {}}} as unknown as Scenario
    const loaded: LoadedScenario = {scenario, file: 'test.yaml', hash: 'test'}
    const balancer = new BuiltinBalancer({loaded, runDir: runDir(), log: () => {}})
    stops.push(() => balancer.stop())
    const [url] = await balancer.start(bs.map((b) => ({id: b.id, host: '127.0.0.1', port: b.port})))
    const all = balancer.pids()
    pids.push(...all)
    assert.equal(all.length, 3, 'the primary and 2 workers')
    for (const pid of all) assert.ok(nodeFlagsOf(pid).includes('--v8-pool-size=1'), `${pid} runs with one V8 helper thread: ${nodeFlagsOf(pid)}`)
    assert.deepEqual(balancer.proxyMeta(), {workers: 2, state: 'per-worker'})
    const outcomes = await load(Number(new URL(url).port), 2000, 8)
    const by: Record<string, number> = {}
    for (const o of outcomes) {
      assert.equal(o.status, 200)
      assert.equal(o.backend, o.servedBy)
      by[o.backend!] = (by[o.backend!] ?? 0) + 1
    }
    for (const b of bs) assert.ok(Math.abs(by[b.id] / 2000 - 0.25) <= 0.02, `share of ${b.id}: ${by[b.id]}`)
    await sleep(150)
    const stats = (await balancer.stats()) as Awaited<ReturnType<RunningProxy['stats']>>
    assert.deepEqual(stats.attempts, by, 'attempts summed over the workers')
    assert.deepEqual(stats.requests, by)
    assert.equal(stats.workerAttempts?.length, 2)
    assert.ok(stats.workerAttempts.every((n) => n > 0), `both workers served: ${stats.workerAttempts}`)
    assert.equal(stats.workerAttempts.reduce((a, b) => a + b, 0), 2000)
    const bucketed: Record<string, number> = {}
    for (const b of stats.attemptBuckets ?? []) for (const id in b.attempts) bucketed[id] = (bucketed[id] ?? 0) + b.attempts[id]
    assert.deepEqual(bucketed, by, 'the merged 100 ms buckets add up to the totals')
    assert.ok((stats.inflight?.length ?? 0) > 0)
    for (const [t] of stats.inflight!) assert.equal(t % 100, 0, 'in-flight samples on the common 100 ms grid')
    await sleep(1100)
    assert.ok((balancer.usage()?.cpuPct ?? -1) >= 0)
    await balancer.stop()
    for (const pid of all) assert.equal(processAlive(pid), false, `${pid} exited with the proxy`)
  })

  test('a backend closed under load: retries 1 → no failed GETs', async () => {
    const {bs, proxy} = await setup(4)
    const outcomes = await load(proxy.port, 1200, 8, {onEach: (n) => n === 200 && void bs[1].close()})
    const failed = outcomes.filter((o) => o.status !== 200)
    assert.equal(failed.length, 0, `failed: ${JSON.stringify(failed.slice(0, 3))}`)
    const stats = await proxy.stats()
    assert.ok(stats.failedAttempts.r2 > 0)
    assert.equal(stats.retries, stats.failedAttempts.r2)
    await proxy.stop()
  })

  test('a backend is reported down once, when the first worker marks it down, and set-backend reaches every worker', async () => {
    const {bs, proxy} = await setup(2, {health: {passive: {maxFails: 1, failTimeout: 10_000, statuses: []}}})
    await bs[0].close()
    await load(proxy.port, 40, 4)
    const down = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'down', 5000)
    assert.match(down.reason, /^passive: 1 failure \(connect ECONNREFUSED\) \(proxy worker [12] of 2\)$/)
    await sleep(100)
    assert.equal(proxy.states.filter((c) => c.id === 'r1').length, 1, `one report: ${JSON.stringify(proxy.states)}`)
    const moved = await new TestBackend('r1').listen()
    servers.push(moved)
    proxy.child.send({type: 'set-backend', backend: {id: 'r1', host: '127.0.0.1', port: moved.port}})
    const up = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'up', 5000)
    assert.match(up.reason, /^passive: reset/)
    const outcomes = await load(proxy.port, 40, 4)
    assert.ok(outcomes.every((o) => o.status === 200))
    // A worker that had not heard of the move would keep r1 down (failTimeout 10 s): r1 would get ~1/4.
    const r1 = outcomes.filter((o) => o.servedBy === 'r1').length
    assert.ok(r1 >= 17 && r1 <= 23, `every worker sends r1 its share again: ${r1} of 40`)
    await proxy.stop()
  })

  test('the primary and its workers exit within 2 s when the orchestrator is SIGKILLed', async () => {
    const parent = spawn(process.execPath, [...childEntry('proxy/main').execArgv, 'test/fixtures/proxy-parent.ts', 'undici', '2'], {stdio: ['ignore', 'pipe', 'inherit']})
    const all = await new Promise<number[]>((resolve, reject) => {
      parent.stdout.once('data', (d: Buffer) => resolve(String(d).trim().split(' ').map(Number)))
      parent.once('exit', () => reject(new Error('parent exited early')))
    })
    pids.push(...all)
    stops.push(async () => {
      for (const pid of all) if (processAlive(pid)) process.kill(pid, 'SIGKILL')
    })
    assert.equal(all.length, 3)
    assert.ok(all.every(processAlive))
    parent.kill('SIGKILL')
    const wait = await exitedInTime(() => all.filter(processAlive), 2000)
    assert.deepEqual(wait.left, [], describeWait(wait, 2000))
  })
})
