// balancer.sharedState: the built-in proxy's 2 workers sharing their health state (like nginx's `zone`)
// against each keeping its own. Requests go one at a time, each on a new connection, so the primary hands
// them to both workers and every worker's round-robin starts at r1: what one worker does after another has
// marked r1 down is then exact.
import {Agent} from 'node:http'
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {BuiltinBalancer} from '../../src/balancers/builtin.js'
import type {BalancerSpec, LoadedScenario, Scenario} from '../../src/model/scenario.js'
import {runDir} from './replica-scenario.js'
import {balancerSpec, send, sleep, WorkerProxies, type Outcome, type TestBackend} from './proxy-fixtures.js'

const run = new WorkerProxies()
const setup = (over: Partial<BalancerSpec>) => run.setup(2, over)

/** `n` requests one after the other, each on a connection of its own. */
async function oneByOne(port: number, n: number): Promise<Outcome[]> {
  const agent = new Agent({keepAlive: false})
  const out: Outcome[] = []
  for (let i = 0; i < n; i++) out.push(await send(port, agent))
  agent.destroy()
  return out
}

const passive = {passive: {maxFails: 1, failTimeout: 10_000, statuses: []}}

describe('built-in proxy with 2 workers: shared or per-worker health', () => {
  for (const shared of [false, true]) {
    const name = shared
      ? 'shared: once one worker has marked a dead backend down, the other never tries it'
      : 'per-worker: each worker finds the dead backend for itself, one failed attempt each'
    test(name, async () => {
      const {bs, proxy} = await setup({health: passive, ...(shared ? {sharedState: true as const} : {})})
      await bs[0].close()
      const outcomes = await oneByOne(proxy.port, 20)
      assert.deepEqual(
        outcomes.filter((o) => o.status !== 200),
        [],
        'every request retried onto r2',
      )
      const stats = await proxy.stats()
      assert.ok(stats.workerAttempts?.length === 2 && stats.workerAttempts.every((n) => n >= 3), `both workers served: ${stats.workerAttempts}`)
      assert.equal(stats.failedAttempts.r1, shared ? 1 : 2, `attempts on r1: ${JSON.stringify(stats.attempts)}`)
      assert.equal(stats.attempts.r1, shared ? 1 : 2)
      const downs = proxy.states.filter((c) => c.id === 'r1')
      assert.equal(downs.length, 1, `one report: ${JSON.stringify(proxy.states)}`)
      assert.equal(downs[0].state, 'down')
      if (shared) assert.equal(downs[0].reason, 'passive: 1 failure (connect ECONNREFUSED)', 'no worker named: both had it down')
      else assert.match(downs[0].reason, /^passive: 1 failure \(connect ECONNREFUSED\) \(proxy worker [12] of 2\)$/)
      await proxy.stop()
    })
  }

  test('shared: after fail_timeout one probe goes for both workers, and its success brings r1 back in both', async () => {
    // fail_timeout long enough that a handful of requests fit in it even on a busy machine.
    const {bs, proxy} = await setup({health: {passive: {maxFails: 1, failTimeout: 1000, statuses: []}}, sharedState: true})
    const port = bs[0].port
    await bs[0].close()
    await oneByOne(proxy.port, 4)
    assert.equal((await proxy.stats()).failedAttempts.r1, 1)
    await sleep(1050)
    // The first pick after fail_timeout is the probe; it fails, and the other worker waits with it.
    await oneByOne(proxy.port, 6)
    const stats = await proxy.stats()
    assert.ok(stats.workerAttempts?.length === 2 && stats.workerAttempts.every((n) => n >= 3), `both workers served: ${stats.workerAttempts}`)
    assert.equal(stats.failedAttempts.r1, 2, 'one probe, not one per worker')
    await bs[0].listen(port)
    await sleep(1050)
    await oneByOne(proxy.port, 2)
    const up = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'up', 5000)
    assert.equal(up.reason, 'passive: probe request succeeded')
    const outcomes = await oneByOne(proxy.port, 20)
    assert.ok(outcomes.every((o) => o.status === 200))
    // Each worker alternates r1 and r2 again: half of each worker's requests, give or take one each.
    const r1 = outcomes.filter((o) => o.servedBy === 'r1').length
    assert.ok(r1 >= 9 && r1 <= 11, `r1 served ${r1} of 20`)
    assert.deepEqual(
      proxy.states.filter((c) => c.id === 'r1').map((c) => c.state),
      ['down', 'up'],
    )
    await proxy.stop()
  })

  const active = {path: '/health', interval: 100, timeout: 500, rise: 1, fall: 1}

  /**
   * Health probes each backend receives per second once the proxy runs (no client traffic meanwhile),
   * over the time that really passed: a sleep that overruns on a busy machine does not add probes.
   */
  async function probesPerSecond(bs: TestBackend[]): Promise<number[]> {
    await sleep(300)
    const before = bs.map((b) => b.hits)
    const from = performance.now()
    await sleep(1000)
    const seconds = (performance.now() - from) / 1000
    return bs.map((b, i) => (b.hits - before[i]) / seconds)
  }
  /** Between one checker's 10 probes a second and two checkers' 20: which of the two it is. */
  const twoCheckers = 14

  test('shared: the active checks run once, not once per worker, and their result reaches every worker', async () => {
    const {bs, proxy} = await setup({health: {active}, sharedState: true})
    // Every 100 ms: about 10 a second from one checker, about 20 from two.
    for (const n of await probesPerSecond(bs)) assert.ok(n >= 5 && n < twoCheckers, `probes a second: ${n.toFixed(1)}`)
    bs[0].mode = 'reset'
    const down = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'down', 5000)
    assert.equal(down.reason, 'active: 1 failed check (ECONNRESET)')
    const outcomes = await oneByOne(proxy.port, 20)
    assert.ok(outcomes.every((o) => o.status === 200 && o.servedBy === 'r2'))
    const stats = await proxy.stats()
    assert.ok(stats.workerAttempts?.length === 2 && stats.workerAttempts.every((n) => n >= 3), `both workers served: ${stats.workerAttempts}`)
    assert.equal(stats.attempts.r1 ?? 0, 0, 'no worker sent r1 a request')
    await sleep(100)
    assert.equal(proxy.states.filter((c) => c.id === 'r1').length, 1, `one report: ${JSON.stringify(proxy.states)}`)
    await proxy.stop()
  })

  test('per-worker: every worker checks every backend itself', async () => {
    const {bs, proxy} = await setup({health: {active}})
    for (const n of await probesPerSecond(bs)) assert.ok(n >= twoCheckers, `probes a second: ${n.toFixed(1)}`)
    await proxy.stop()
  })

  test("the report's meta.proxy.state says which", () => {
    const meta = (balancer: Partial<Scenario['balancer']>) => {
      const scenario = {seed: 1, balancer: balancerSpec(balancer), replicas: {overrides: {}}} as unknown as Scenario
      const loaded: LoadedScenario = {scenario, file: 'test.yaml', hash: 'test'}
      return new BuiltinBalancer({loaded, runDir: runDir(), log: () => {}}).proxyMeta()
    }
    assert.deepEqual(meta({workers: 2}), {workers: 2, state: 'per-worker'})
    assert.deepEqual(meta({workers: 2, sharedState: true}), {workers: 2, state: 'shared'})
    assert.deepEqual(meta({workers: 1}), {workers: 1, state: 'shared'})
  })
})
