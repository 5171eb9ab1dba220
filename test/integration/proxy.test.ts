// The built-in proxy as a real process in front of real node:http backends on loopback: balancing,
// retries, timeouts, health, counters, and its life tied to its parent's.
import {spawn} from 'node:child_process'
import {describe, test, after} from 'node:test'
import assert from 'node:assert/strict'
import {BuiltinBalancer} from '../../src/balancers/builtin.js'
import {childEntry} from '../../src/process/child-entry.js'
import {engineNames} from '../../src/proxy/engines.js'
import type {BalancerSpec, LoadedScenario, Scenario} from '../../src/model/scenario.js'
import {runDir} from './replica-scenario.js'
import {cpuWaitMs, describeWait, exitedInTime} from '../helpers/exit-in-time.js'
import {backends, balancerSpec as baseSpec, client, load, send, sleep, startProxy, TestBackend, type RunningProxy} from './proxy-fixtures.js'
import {processAlive} from '../../src/process/process-alive.js'
import {activeCheckWorstMs} from '../helpers/active-check-bound.js'

const pids: number[] = []
const servers: TestBackend[] = []
const proxies: RunningProxy[] = []

async function setup(n: number, spec: BalancerSpec): Promise<{bs: TestBackend[]; proxy: RunningProxy}> {
  const bs = await backends(n)
  servers.push(...bs)
  const proxy = await startProxy(bs, spec)
  pids.push(proxy.child.pid!)
  proxies.push(proxy)
  return {bs, proxy}
}

after(async () => {
  // A failed test leaves its proxy running: stop it the way the orchestrator does (stop() is idempotent).
  await Promise.all(proxies.map((p) => p.stop()))
  await Promise.all(servers.map((s) => s.close()))
  await sleep(100)
  for (const pid of pids) assert.equal(processAlive(pid), false, `proxy ${pid} is still running`)
})

// Every behaviour, with each engine.
for (const engine of engineNames) {
const balancerSpec = (over: Partial<BalancerSpec> = {}): BalancerSpec => baseSpec({engine, ...over})

describe(`built-in proxy (${engine} engine)`, () => {
  test('round-robin over 4 backends through BuiltinBalancer: shares within 1% of 25%, stamped, counted', async () => {
    const bs = await backends(4)
    servers.push(...bs)
    const scenario = {seed: 1, balancer: balancerSpec(), replicas: {overrides: {}}} as unknown as Scenario
    const loaded: LoadedScenario = {scenario, file: 'test.yaml', hash: 'test'}
    const balancer = new BuiltinBalancer({loaded, runDir: runDir(), log: () => {}})
    proxies.push({stop: () => balancer.stop()} as RunningProxy)
    const [url] = await balancer.start(bs.map((b) => ({id: b.id, host: '127.0.0.1', port: b.port})))
    pids.push(...balancer.pids())
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const versions = {undici: 'undici 7.30.2', 'http-proxy': 'http-proxy 1.18.1', lean: `lean node ${process.versions.node}`}
    assert.equal(await balancer.version(), `lbbench-proxy (${versions[engine]})`)
    const outcomes = await load(Number(new URL(url).port), 2000, 4)
    const by: Record<string, number> = {}
    for (const o of outcomes) {
      assert.equal(o.status, 200)
      assert.equal(o.backend, o.servedBy, 'x-lbbench-backend names the backend that answered')
      by[o.backend!] = (by[o.backend!] ?? 0) + 1
    }
    for (const b of bs) assert.ok(Math.abs(by[b.id] / 2000 - 0.25) <= 0.01, `share of ${b.id}: ${by[b.id]}`)
    const stats = await balancer.stats()
    assert.deepEqual(stats.attempts, by)
    assert.deepEqual(stats.requests, by)
    assert.equal(stats.retries, 0)
    assert.ok((stats.inflight?.length ?? 0) > 0, 'in-flight samples are kept')
    await sleep(1100)
    const usage = balancer.usage()
    assert.ok(usage && usage.cpuPct >= 0 && usage.elu >= 0 && usage.elu <= 1, `usage ${JSON.stringify(usage)}`)
    const [pid] = balancer.pids()
    await balancer.stop()
    assert.equal(processAlive(pid), false)
    assert.deepEqual(balancer.pids(), [])
  })

  for (const retries of [1, 0]) {
    test(`a backend closed under load: retries ${retries} → ${retries ? 'no' : 'some'} failed GETs`, async () => {
      const {bs, proxy} = await setup(4, balancerSpec({retries}))
      const outcomes = await load(proxy.port, 1200, 8, {onEach: (n) => n === 200 && void bs[1].close()})
      const failed = outcomes.filter((o) => o.status !== 200)
      if (retries) assert.equal(failed.length, 0, `failed: ${JSON.stringify(failed.slice(0, 3))}`)
      else assert.ok(failed.length > 0)
      const stats = await proxy.stats()
      assert.ok(stats.failedAttempts.r2 > 0)
      if (retries) assert.equal(stats.retries, stats.failedAttempts.r2)
      await proxy.stop()
    })
  }

  for (const retryNonIdempotent of [false, true]) {
    test(`a POST ${retryNonIdempotent ? 'is' : 'is not'} retried with retryNonIdempotent: ${retryNonIdempotent}`, async () => {
      const {bs, proxy} = await setup(2, balancerSpec({retryNonIdempotent}))
      await bs[0].close()
      const agent = client(1)
      const outcomes = []
      for (let i = 0; i < 4; i++) outcomes.push(await send(proxy.port, agent, {method: 'POST', body: '{"order": 1}'}))
      agent.destroy()
      if (retryNonIdempotent) {
        assert.deepEqual(outcomes.map((o) => o.status), [200, 200, 200, 200])
        assert.ok(outcomes.every((o) => o.backend === 'r2'))
      } else {
        // Round-robin sends every other POST to the closed r1: those are answered 502, stamped r1.
        assert.deepEqual(outcomes.map((o) => `${o.status} ${o.backend}`), ['502 r1', '200 r2', '502 r1', '200 r2'])
      }
      const stats = await proxy.stats()
      assert.equal(stats.retries, retryNonIdempotent ? 4 : 0)
      await proxy.stop()
    })
  }

  test('a buffered body is replayed on the retry; one over retryBodyLimit is not retried and counted', async () => {
    const {bs, proxy} = await setup(2, balancerSpec({retryNonIdempotent: true, retryBodyLimit: 100}))
    await bs[0].close()
    const agent = client(1)
    const small = await send(proxy.port, agent, {method: 'POST', body: 'x'.repeat(50)})
    assert.equal(small.status, 200)
    assert.equal(small.backend, 'r2')
    const large = await send(proxy.port, agent, {method: 'PUT', body: 'y'.repeat(500)})
    // r2 served the small one, so round-robin tries r1 first for the large one: no replay possible.
    assert.equal(large.status, 502)
    const fine = await send(proxy.port, agent, {method: 'PUT', body: 'z'.repeat(500)})
    assert.equal(fine.status, 200)
    agent.destroy()
    const stats = await proxy.stats()
    assert.equal(stats.bodyTooLargeToRetry, 1)
    await proxy.stop()
  })

  test('a backend that resets mid-body resets the client quickly instead of hanging it', async () => {
    const {bs, proxy} = await setup(1, balancerSpec())
    bs[0].mode = 'reset-mid-body'
    const o = await send(proxy.port, client(1), {timeoutMs: 5000})
    assert.ok(o.error, `expected a broken response, got ${JSON.stringify(o)}`)
    assert.notEqual(o.error, 'client timeout')
    assert.ok(o.ms < 1500, `took ${o.ms} ms`)
    const stats = await proxy.stats()
    assert.equal(stats.retries, 0, 'nothing is retried once the response began')
    await proxy.stop()
  })

  test('a backend that stalls mid-body is broken off at the per-try timeout', async () => {
    const {bs, proxy} = await setup(1, balancerSpec({timeout: 300}))
    bs[0].mode = 'stall-mid-body'
    const o = await send(proxy.port, client(1), {timeoutMs: 5000})
    assert.ok(o.error && o.error !== 'client timeout', `expected a broken response, got ${JSON.stringify(o)}`)
    assert.ok(o.ms >= 290 && o.ms < 2000, `took ${o.ms} ms`)
    await proxy.stop()
  })

  test('a per-try timeout is retried on another backend; without retries it is a 504', async () => {
    const {bs, proxy} = await setup(2, balancerSpec({timeout: 300, retries: 1}))
    bs[0].mode = 'hang'
    const agent = client(1)
    const o = await send(proxy.port, agent)
    assert.equal(o.status, 200)
    assert.equal(o.backend, 'r2')
    assert.ok(o.ms >= 290 && o.ms < 2000, `took ${o.ms} ms`)
    agent.destroy()
    const stats = await proxy.stats()
    assert.deepEqual(stats.failedAttempts, {r1: 1, r2: 0})
    await proxy.stop()

    const single = await setup(1, balancerSpec({timeout: 300, retries: 0}))
    single.bs[0].mode = 'hang'
    const t = await send(single.proxy.port, client(1))
    assert.equal(t.status, 504)
    assert.equal(t.backend, 'r1')
    await single.proxy.stop()
  })

  test('when every backend is down the proxy answers 503 at once, stamped none, and counts it', async () => {
    const {bs, proxy} = await setup(2, balancerSpec({health: {passive: {maxFails: 1, failTimeout: 10_000, statuses: []}}}))
    await Promise.all(bs.map((b) => b.close()))
    const agent = client(1)
    const first = await send(proxy.port, agent)
    assert.equal(first.status, 502, 'both tried and refused')
    await proxy.waitForState((c) => c.id === 'r2' && c.state === 'down', 5000)
    const waited = cpuWaitMs(proxy.child.pid!) + cpuWaitMs(process.pid)
    const o = await send(proxy.port, agent)
    // At once, not after a connect attempt: 200 ms, plus however long the proxy and this process waited for a CPU.
    const starved = Math.round(cpuWaitMs(proxy.child.pid!) + cpuWaitMs(process.pid) - waited)
    assert.equal(o.status, 503)
    assert.equal(o.backend, 'none')
    assert.ok(o.ms < 200 + starved, `took ${o.ms} ms (${starved} ms waiting for a CPU)`)
    agent.destroy()
    const stats = await proxy.stats()
    assert.equal(stats.noBackend, 1)
    await proxy.stop()
  })

  test('passive health marks a dead backend down, probes it after failTimeout, and brings it back', async () => {
    const {bs, proxy} = await setup(2, balancerSpec({health: {passive: {maxFails: 1, failTimeout: 800, statuses: []}}}))
    await bs[0].close()
    const agent = client(2)
    const started = Date.now()
    for (let i = 0; i < 4; i++) assert.equal((await send(proxy.port, agent)).status, 200)
    const down = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'down', 5000)
    assert.equal(down.reason, 'passive: 1 failure (connect ECONNREFUSED)')
    await bs[0].listen()
    // Until fail_timeout has passed r1 gets nothing; then one request probes it, and it is back.
    const hitsBefore = bs[0].hits
    while (Date.now() - started < 600) assert.equal((await send(proxy.port, agent)).backend, 'r2')
    assert.equal(bs[0].hits, hitsBefore)
    const deadline = Date.now() + 2000
    while (!proxy.states.some((c) => c.id === 'r1' && c.state === 'up') && Date.now() < deadline) {
      assert.equal((await send(proxy.port, agent)).status, 200)
      await sleep(20)
    }
    const up = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'up', 0)
    assert.equal(up.reason, 'passive: probe request succeeded')
    assert.ok(up.epochMs - down.epochMs >= 800, `back after ${up.epochMs - down.epochMs} ms`)
    const outcomes = await load(proxy.port, 40, 2)
    assert.ok(outcomes.filter((o) => o.backend === 'r1').length >= 15, 'r1 gets its share again')
    agent.destroy()
    await proxy.stop()
  })

  test('active health marks a hung backend down within interval × fall + timeout, and up after rise checks', async () => {
    const active = {path: '/health', interval: 200, timeout: 100, rise: 2, fall: 2}
    const {bs, proxy} = await setup(2, balancerSpec({health: {active}}))
    // A few passed checks first: until one has passed, one failed check takes a server down (HAProxy's
    // rule). A fixed sleep was not enough on a busy machine, and a check there can also miss its 100 ms:
    // wait until r1 is up and has answered 3 checks since its state last changed.
    const settled = Date.now() + 10_000
    let changes = -1
    let hitsAtChange = 0
    for (;;) {
      const r1 = proxy.states.filter((c) => c.id === 'r1')
      if (r1.length !== changes) [changes, hitsAtChange] = [r1.length, bs[0].hits]
      if (r1.at(-1)?.state !== 'down' && bs[0].hits - hitsAtChange >= 3) break
      assert.ok(Date.now() < settled, `r1 never passed 3 checks in a row: ${JSON.stringify(proxy.states)}`)
      await sleep(20)
    }
    bs[0].mode = 'hang'
    const hungAt = Date.now()
    const waitedBefore = cpuWaitMs(proxy.child.pid!)
    const down = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'down' && c.epochMs >= hungAt, 5000)
    const starved = Math.round(cpuWaitMs(proxy.child.pid!) - waitedBefore)
    const ttd = down.epochMs - hungAt
    assert.equal(down.reason, 'active: 2 failed checks (timeout)')
    // Bound from the schedule; the slack covers timer granularity, plus however long the proxy waited for
    // a CPU meanwhile (its checks' timers fire that much late on a busy machine, through no fault of its own).
    assert.ok(ttd <= activeCheckWorstMs(active) + 300 + starved, `down after ${ttd} ms (${starved} ms waiting for a CPU)`)
    // Down: client traffic avoids r1.
    const agent = client(2)
    for (let i = 0; i < 6; i++) assert.equal((await send(proxy.port, agent)).backend, 'r2')
    bs[0].mode = 'ok'
    const up = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'up' && c.epochMs >= down.epochMs, 5000)
    assert.equal(up.reason, 'active: 2 passed checks')
    agent.destroy()
    await proxy.stop()
  })

  test('a client that goes away aborts the request to the backend, and the attempt ends', async () => {
    const {bs, proxy} = await setup(1, balancerSpec({timeout: 5000}))
    bs[0].mode = 'hang'
    const o = await send(proxy.port, client(1), {timeoutMs: 200})
    assert.equal(o.error, 'client timeout')
    const gaveUpAt = Date.now()
    const waited = cpuWaitMs(proxy.child.pid!) + cpuWaitMs(process.pid)
    while (bs[0].abandoned === 0 && Date.now() - gaveUpAt < 5000) await sleep(10)
    const tookMs = Date.now() - gaveUpAt
    // 500 ms, plus however long the proxy and this process (the backend's) waited for a CPU meanwhile.
    const starved = Math.round(cpuWaitMs(proxy.child.pid!) + cpuWaitMs(process.pid) - waited)
    assert.equal(bs[0].abandoned, 1, 'the backend saw its request abandoned')
    assert.ok(tookMs < 500 + starved, `after ${tookMs} ms (${starved} ms waiting for a CPU)`)
    await sleep(150)
    const stats = await proxy.stats()
    assert.deepEqual(stats.inflight?.at(-1)?.[1], {r1: 0}, 'no request left in flight')
    assert.deepEqual(stats.failedAttempts, {r1: 0}, 'the client leaving is not the backend failing')
    await proxy.stop()
  })

  test('stats count every attempt per backend, retries included', async () => {
    const {bs, proxy} = await setup(2, balancerSpec())
    await bs[0].close()
    const agent = client(1)
    for (let i = 0; i < 10; i++) assert.equal((await send(proxy.port, agent)).status, 200)
    agent.destroy()
    const stats = await proxy.stats()
    // Round-robin moves on after the backend it chose: r1 comes first again for every request.
    assert.deepEqual(stats.attempts, {r1: 10, r2: 10})
    assert.deepEqual(stats.failedAttempts, {r1: 10, r2: 0})
    assert.deepEqual(stats.requests, {r1: 0, r2: 10})
    assert.equal(stats.retries, 10)
    const bucketed = {r1: 0, r2: 0}
    await sleep(150)
    for (const b of (await proxy.stats()).attemptBuckets ?? []) for (const id of ['r1', 'r2'] as const) bucketed[id] += b.attempts[id]
    assert.deepEqual(bucketed, {r1: 10, r2: 10}, 'the 100 ms buckets add up to the totals')
    await proxy.stop()
  })

  test('set-backend moves a restarted replica to its new port and clears its passive marks', async () => {
    const {bs, proxy} = await setup(2, balancerSpec({health: {passive: {maxFails: 1, failTimeout: 10_000, statuses: []}}}))
    await bs[0].close()
    const agent = client(1)
    assert.equal((await send(proxy.port, agent)).backend, 'r2')
    await proxy.waitForState((c) => c.id === 'r1' && c.state === 'down', 5000)
    const moved = await new TestBackend('r1').listen()
    servers.push(moved)
    proxy.child.send({type: 'set-backend', backend: {id: 'r1', host: '127.0.0.1', port: moved.port}})
    const up = await proxy.waitForState((c) => c.id === 'r1' && c.state === 'up', 5000)
    assert.equal(up.reason, `passive: reset (replica back on 127.0.0.1:${moved.port})`)
    const served = []
    for (let i = 0; i < 4; i++) served.push((await send(proxy.port, agent)).servedBy)
    assert.deepEqual(served.sort(), ['r1', 'r1', 'r2', 'r2'])
    assert.equal(moved.hits, 2)
    agent.destroy()
    await proxy.stop()
  })

  test('the proxy exits within 4 s when its parent is SIGKILLed', async () => {
    const parent = spawn(process.execPath, [...childEntry('proxy/main').execArgv, 'test/fixtures/proxy-parent.ts', engine], {stdio: ['ignore', 'pipe', 'inherit']})
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim().split(' ')[0])))
      parent.once('exit', () => reject(new Error('parent exited early')))
    })
    pids.push(pid)
    proxies.push({stop: async () => void (processAlive(pid) && process.kill(pid, 'SIGKILL'))} as RunningProxy)
    assert.ok(processAlive(pid))
    parent.kill('SIGKILL')
    // It goes when its IPC channel closes, at once on a quiet machine; the bound leaves room for a busy one
    // (3.3 s was seen at load average 4.5, with the proxy started through tsx), and grows by however long
    // the proxy waited for a CPU.
    const wait = await exitedInTime(() => [pid].filter(processAlive), 4000)
    assert.deepEqual(wait.left, [], `still running after its parent was killed: ${describeWait(wait, 4000)}`)
  })
})
}
