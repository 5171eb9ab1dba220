// The strategies under real load: Node cluster replicas of the built-in app behind the built-in proxy,
// driven through runScenario as `lbbench run` drives them. Two runs in the same test are compared with
// each other, never with absolute speeds (2 cores, shared with other tests).
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {parseScenarioText} from '../../src/scenario/load.js'
import {processesOfRun} from '../../src/process/processes-of-run.js'
import {runScenario} from '../../src/run/orchestrator.js'
import type {Report} from '../../src/model/report.js'

const dir = await mkdtemp(join(tmpdir(), 'lbbench-strategies-'))
after(() => rm(dir, {recursive: true, force: true}))

async function run(yaml: string): Promise<Report> {
  const loaded = parseScenarioText(yaml, 'test.yaml')
  const lines: string[] = []
  const {report, runDir} = await runScenario(loaded, {reportsDir: dir, signal: new AbortController().signal, hooks: {log: (l) => lines.push(l)}})
  // Nothing of the run may outlive it.
  assert.deepEqual(processesOfRun(basename(runDir)), [], `processes of ${basename(runDir)} left behind`)
  assert.ok(!report.meta.aborted, `the run was aborted: ${report.meta.abortReason}`)
  return report
}

const share = (r: Report, id: string) => r.backends.find((b) => b.id === id)?.share ?? NaN

// slow-backend.yaml's setting, shorter and with fewer connections so the proxy is not CPU-bound on a
// shared machine: r4 answers in 40 ms on average (exponential), the others in 1 ms. (With fewer
// connections the fast replicas answer sooner, so least-connections sends r4 less and the p99s lie
// further apart.)
const slowBackend = (strategy: string) => `
name: slow-${strategy}
seed: 7
replicas:
  count: 4
  ready: {timeout: 30s}
  app: {latency: 1ms}
  overrides:
    r4: {latency: {dist: exponential, mean: 40ms}}
balancer: {strategy: ${strategy}}
load:
  connections: 4
  phases:
    - {name: warmup, duration: 1s, measure: false}
    - {name: steady, duration: 2s}
`

describe('strategies through the built-in proxy (real replicas)', () => {
  test('one slow backend: least-connections sends it less than 1/4 and gets a lower p99 than round-robin', async (t) => {
    const rr = await run(slowBackend('round-robin'))
    const lc = await run(slowBackend('least-connections'))
    for (const r of [rr, lc]) {
      t.diagnostic(`${r.scenario.balancer.strategy}: r4 share ${(share(r, 'r4') * 100).toFixed(1)}%, p99 ${(r.summary.latencyUs.p99 / 1000).toFixed(1)} ms, ${r.summary.throughput.rps.toFixed(0)} req/s`)
    }
    for (const r of [rr, lc]) {
      assert.equal(r.summary.requests.failed, 0)
      assert.ok(r.summary.requests.completed > 100, `${r.scenario.balancer.strategy}: only ${r.summary.requests.completed} requests`)
    }
    // Round-robin ignores load: the slow one gets its quarter.
    assert.ok(Math.abs(share(rr, 'r4') - 0.25) < 0.02, `round-robin gave r4 ${share(rr, 'r4')}`)
    assert.ok(share(lc, 'r4') < 0.25, `least-connections gave r4 ${share(lc, 'r4')}`)
    assert.ok(share(lc, 'r4') < share(rr, 'r4') / 2, `least-connections gave r4 ${share(lc, 'r4')}, round-robin ${share(rr, 'r4')}`)
    assert.ok(
      lc.summary.latencyUs.p99 < rr.summary.latencyUs.p99,
      `p99: least-connections ${lc.summary.latencyUs.p99} µs, round-robin ${rr.summary.latencyUs.p99} µs`,
    )
  })

  test('weights 5:1:1 under weighted-round-robin: shares within 1% of 5/7, 1/7, 1/7', async () => {
    const r = await run(`
name: weighted
replicas:
  count: 3
  ready: {timeout: 30s}
  app: {latency: 1ms}
  overrides:
    r1: {weight: 5}
balancer: {strategy: weighted-round-robin}
load:
  connections: 4
  phases:
    - {name: warmup, duration: 500ms, measure: false}
    - {name: steady, duration: 2s}
thresholds:
  - backend.r1.share > 70.4%
`)
    assert.equal(r.summary.requests.failed, 0)
    // Smooth WRR is exact over the picks; what blurs the shares is only the few requests in flight at
    // the phase's edges (≤ 4 connections), which needs a few hundred requests to stay under 1%.
    assert.ok(r.summary.requests.completed > 300, `only ${r.summary.requests.completed} requests`)
    const expected = {r1: 5 / 7, r2: 1 / 7, r3: 1 / 7}
    for (const [id, want] of Object.entries(expected)) {
      assert.ok(Math.abs(share(r, id) - want) < 0.01, `${id}: share ${share(r, id)}, expected ${want.toFixed(4)} ± 0.01`)
    }
    assert.equal(r.pass, true)
  })
})
