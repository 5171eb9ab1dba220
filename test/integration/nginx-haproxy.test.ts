// nginx and HAProxy as real balancers in front of four small node:http backends: distribution, a backend
// dying under load, state changes, a backend moving to a new port, and that no process outlives a stop
// or an orchestrator killed with SIGKILL.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {balancerKinds} from '../../src/balancers/registry.js'
import type {Balancer, BackendStateChange} from '../../src/balancers/balancer.js'
import type {BalancerSpec} from '../../src/model/scenario.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'
import {StampBackends, load} from '../helpers/stamp-backends.js'
import {skipWithout} from '../helpers/programs.js'
import {describeWait, exitedInTime} from '../helpers/exit-in-time.js'
import {processAlive} from '../../src/process/process-alive.js'
import {waitFor} from '../helpers/wait-for.js'

function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], {encoding: 'utf8'}).trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return [] // exit 1: nothing matched
  }
}

/** Waits up to `ms` for every process of the run to be gone; returns those still there. */
async function leftAfter(ms: number, runDir: string, pids: number[]): Promise<number[]> {
  const until = Date.now() + ms
  for (;;) {
    const left = [...new Set([...pgrep(runDir), ...pids.filter(processAlive)])]
    if (left.length === 0 || Date.now() > until) return left
    await new Promise((r) => setTimeout(r, 50))
  }
}

interface Run {
  balancer: Balancer
  backends: StampBackends
  url: string
  events: BackendStateChange[]
}

async function withBalancer(kind: string, spec: Partial<BalancerSpec>, body: (run: Run) => Promise<void>, folderPrefix = `lbbench-${kind}-`): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), folderPrefix))
  const backends = await StampBackends.start(4)
  const scenario = balancerScenario({kind, ...spec})
  const balancer = await balancerKinds.get(kind)!.create({loaded: {scenario, file: 'test', hash: 'test'}, runDir, log: () => {}})
  const events: BackendStateChange[] = []
  balancer.on('backend-state', (c) => events.push(c))
  let pids: number[] = []
  try {
    const [url] = await balancer.start(backends.addresses())
    pids = balancer.pids()
    assert.ok(pids.length >= 2, 'the guard and the program')
    await body({balancer, backends, url, events})
  } finally {
    await balancer.stop()
    await backends.close()
    const left = await leftAfter(3000, runDir, pids) // nothing may be left; how soon is the orphan test's bound
    rmSync(runDir, {recursive: true, force: true})
    assert.deepEqual(left, [], `processes left after stop(): ${left.join(', ')}`)
  }
}

/** A run folder with a `$`, a space and a quote in its path still gives a working balancer that counts what it did. */
async function awkwardFolder(kind: string): Promise<void> {
  await withBalancer(
    kind,
    {strategy: 'round-robin'},
    async ({balancer, url}) => {
      const r = await load(url, {requests: 200, concurrency: 2})
      assert.equal(r.failed, 0, JSON.stringify(r))
      const s = await balancer.stats()
      assert.equal(Object.values(s.attempts).reduce((a, b) => a + b, 0), 200, JSON.stringify(s))
    },
    `lbbench-${kind} $HOME 'x-`,
  )
}

function assertEven(byBackend: Record<string, number>, total: number): void {
  for (const id of ['r1', 'r2', 'r3', 'r4']) {
    const share = (byBackend[id] ?? 0) / total
    assert.ok(Math.abs(share - 0.25) <= 0.02, `${id} got ${(share * 100).toFixed(1)} % of ${total}: ${JSON.stringify(byBackend)}`)
  }
}

async function orphanCheck(kind: string): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), `lbbench-${kind}-orphan-`))
  const backends = await StampBackends.start(2)
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/balancer-child.ts', kind, runDir, ...backends.addresses().map((b) => `${b.host}:${b.port}`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({input: child.stdout}).once('line', resolve)
      child.once('exit', (code) => reject(new Error(`balancer child exited with ${code}`)))
    })
    const {url, pids} = JSON.parse(line) as {url: string; pids: number[]}
    assert.equal((await fetch(url)).status, 200)
    assert.ok(pgrep(runDir).length > 0, `${kind} runs`)
    child.kill('SIGKILL')
    const wait = await exitedInTime(() => [...new Set([...pgrep(runDir), ...pids.filter(processAlive)])], 2000)
    assert.deepEqual(wait.left, [], `${kind} processes alive after their orchestrator was SIGKILLed: ${describeWait(wait, 2000)}`)
  } finally {
    child.kill('SIGKILL')
    await backends.close()
    rmSync(runDir, {recursive: true, force: true})
  }
}

describe('nginx as the balancer', {skip: skipWithout('nginx')}, () => {
  test('round robin spreads evenly; version, config and access-log counts', async () => {
    await withBalancer('nginx', {strategy: 'round-robin'}, async ({balancer, url}) => {
      const r = await load(url, {requests: 2000, concurrency: 4})
      assert.equal(r.failed, 0, JSON.stringify(r))
      assertEven(r.byBackend, 2000)
      assert.match((await balancer.version())!, /^nginx\/\d+\.\d+/)
      assert.match(balancer.config!()!, /upstream lbbench_backends \{/)
      const s = await balancer.stats()
      assert.equal(Object.values(s.attempts).reduce((a, b) => a + b, 0), 2000)
      assert.equal(s.retries, 0, JSON.stringify(s))
    })
  })

  test('a backend killed under load costs no failed GET (proxy_next_upstream); it moves to a new port', async () => {
    const spec = {retries: 1, health: {passive: {maxFails: 1, failTimeout: 10_000, statuses: []}}}
    await withBalancer('nginx', spec, async ({balancer, backends, url, events}) => {
      const killedAt = {ms: 0}
      const r = await load(url, {
        requests: 2000,
        concurrency: 4,
        at: (i) => {
          if (i === 500) {
            killedAt.ms = Date.now()
            backends.kill('r2')
          }
        },
      })
      assert.equal(r.failed, 0, JSON.stringify(r))
      const s = await balancer.stats()
      assert.ok((s.failedAttempts.r2 ?? 0) >= 1, JSON.stringify(s))
      assert.ok(s.retries >= 1)
      const down = events.find((e) => e.id === 'r2' && e.state === 'down')
      assert.ok(down, `a down event for r2: ${JSON.stringify(events)}`)
      assert.ok(down.epochMs >= killedAt.ms - 5 && down.epochMs < killedAt.ms + 2000, `down at +${down.epochMs - killedAt.ms} ms`)

      await balancer.updateBackend(await backends.revive('r2'))
      const after = await load(url, {requests: 400, concurrency: 4})
      assert.equal(after.failed, 0, `after the move: ${JSON.stringify(after)}`)
      assertEven(after.byBackend, 400)
    })
  })

  test('a run folder with $, a space and a quote in its path', () => awkwardFolder('nginx'))

  test('SIGKILL of the orchestrator takes nginx down within 2 s', () => orphanCheck('nginx'))
})

describe('HAProxy as the balancer', {skip: skipWithout('haproxy')}, () => {
  const active = {path: '/', interval: 1000, timeout: 500, rise: 2, fall: 3}

  test('round robin spreads evenly; version, config and show-stat counts', async () => {
    await withBalancer('haproxy', {strategy: 'round-robin'}, async ({balancer, url}) => {
      const r = await load(url, {requests: 2000, concurrency: 4})
      assert.equal(r.failed, 0)
      assertEven(r.byBackend, 2000)
      assert.match((await balancer.version())!, /^haproxy\/\d+\.\d+/)
      assert.match(balancer.config!()!, /balance roundrobin/)
      const s = await balancer.stats()
      assert.equal(Object.values(s.requests ?? {}).reduce((a, b) => a + b, 0), 2000)
      assert.equal(Object.values(s.attempts).reduce((a, b) => a + b, 0), 2000)
      assert.equal(s.retries, 0)
      // Polled every 100 ms, the counters' increases land in 100 ms buckets: every attempt once (waited
      // for, up to 3 s, as a busy machine's poll may be late; never more than once).
      const bucketed = (b: Array<{attempts: Record<string, number>}>) => b.reduce((n, x) => n + Object.values(x.attempts).reduce((a, c) => a + c, 0), 0)
      let buckets: Array<{attempts: Record<string, number>; epochMs: number}> = []
      await waitFor(async () => bucketed((buckets = (await balancer.stats()).attemptBuckets ?? [])) >= 2000, 3000, 'every attempt in a bucket', 100)
      assert.equal(bucketed(buckets), 2000)
      assert.ok(buckets.every((b) => b.epochMs % 100 === 0), JSON.stringify(buckets))
    })
  })

  // HAProxy starts a server at the lowest healthy level (rise), so a server failing in the first seconds
  // goes DOWN at its first failed check; only after `fall` more passed checks does it take `fall` failed
  // ones. The kill therefore comes 2.5 s after the start, to measure the usual time to detect.
  test('without retries a killed backend fails requests until checks mark it DOWN', async () => {
    await withBalancer('haproxy', {retries: 0, health: {active}}, async ({backends, url, events, balancer}) => {
      let killedAt = 0
      const killAt = Date.now() + 2500
      const r = await load(url, {
        durationMs: 8000,
        concurrency: 4,
        at: async () => {
          if (!killedAt && Date.now() >= killAt) {
            killedAt = Date.now()
            backends.kill('r2')
          }
          if (killedAt && events.some((e) => e.id === 'r2' && e.state === 'down')) throw new Error('stop')
        },
      }).catch(() => undefined)
      void r
      const down = events.find((e) => e.id === 'r2' && e.state === 'down')
      assert.ok(down, `a DOWN event for r2: ${JSON.stringify(events)}`)
      assert.match(down.reason, /^DOWN \(L4CON/)
      // fall 3 × inter 1 s: about 2–3 s after the kill, plus at most one 250 ms poll.
      const ttd = down.epochMs - killedAt
      assert.ok(ttd > 1000 && ttd < 5000, `DOWN after ${ttd} ms`)
      const s = await balancer.stats()
      assert.ok((s.failedAttempts.r2 ?? 0) > 0, JSON.stringify(s))
      assert.equal(s.retries, 0)
    })
  })

  test('with retries and option redispatch a killed backend costs no failed GET; UP again after a move', async () => {
    await withBalancer('haproxy', {retries: 1, health: {active}}, async ({balancer, backends, url, events}) => {
      const r = await load(url, {
        requests: 3000,
        concurrency: 4,
        at: (i) => {
          if (i === 500) backends.kill('r2')
        },
      })
      assert.equal(r.failed, 0, JSON.stringify(r))
      const s = await balancer.stats()
      // Every retry follows a failed attempt on r2; HAProxy may also count an error on a connection the
      // kill broke after the answer was on its way (eresp), which needed no retry. How many retries it
      // took is HAProxy's business (a run on a busy machine counted none): that the same kill costs failed requests
      // without retries is the test above.
      assert.ok((s.failedAttempts.r2 ?? 0) >= s.retries, JSON.stringify(s))

      // Wait for the checks to mark r2 DOWN, move it, and wait for rise 2 to bring it back.
      const waitFor = async (state: 'up' | 'down'): Promise<void> => {
        const until = Date.now() + 6000
        while (!events.some((e) => e.id === 'r2' && e.state === state) && Date.now() < until) await new Promise((res) => setTimeout(res, 50))
        assert.ok(events.some((e) => e.id === 'r2' && e.state === state), `r2 ${state}: ${JSON.stringify(events)}`)
      }
      await waitFor('down')
      await balancer.updateBackend(await backends.revive('r2'))
      await waitFor('up')
      const after = await load(url, {requests: 400, concurrency: 4})
      assert.equal(after.failed, 0)
      assertEven(after.byBackend, 400)
    })
  })

  test('a run folder with $, a space and a quote in its path', () => awkwardFolder('haproxy'))

  test('SIGKILL of the orchestrator takes HAProxy down within 2 s', () => orphanCheck('haproxy'))
})
