// Issue 2's claims on real cluster replicas behind the built-in proxy, driven through runScenario as
// `lbbench run` drives them: round-robin splits evenly, and a replica killed under load costs no GET
// with one retry, and costs some without.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {parseScenarioText} from '../../src/scenario/load.js'
import {processesOfRun} from '../../src/process/processes-of-run.js'
import {runScenario} from '../../src/run/orchestrator.js'
import type {FinePoint, Report} from '../../src/model/report.js'

const dir = await mkdtemp(join(tmpdir(), 'lbbench-run-failover-'))
after(() => rm(dir, {recursive: true, force: true}))

async function run(yaml: string): Promise<Report> {
  const {report, runDir} = await runScenario(parseScenarioText(yaml, 'test.yaml'), {
    reportsDir: dir,
    signal: new AbortController().signal,
    hooks: {log: () => {}},
  })
  assert.deepEqual(processesOfRun(basename(runDir)), [], 'nothing of the run outlives it')
  assert.ok(!report.meta.aborted, `the run was aborted: ${report.meta.abortReason}`)
  return report
}

// A fixed rate keeps the count of requests the same whatever the machine's speed; 1 ms of latency keeps
// every replica busy enough for a kill to catch requests in flight.
const killR2 = (retries: number) => `
name: kill-retries-${retries}
replicas: {count: 4, app: {latency: 1ms}, ready: {timeout: 30s}}
balancer: {retries: ${retries}}
load:
  connections: 20
  rate: 800
  phases:
    - {name: warmup, duration: 500ms, measure: false}
    - {name: steady, duration: 3s}
faults:
  - {at: 1s, action: kill, target: r2}
`

/** The 100 ms series of a short run covers all of it, and its buckets add up to the seconds exactly. */
function assertFineSeries(r: Report): void {
  const fine = r.fineSeries
  assert.ok(fine, 'a short run keeps its 100 ms series')
  assert.deepEqual(fine.windows, [{startMs: 0, endMs: Math.ceil(r.summary.durationMs / 100) * 100}])
  for (const second of r.series) {
    const parts: FinePoint[] = fine.points.filter((p) => Math.floor(p.tMs / 1000) * 1000 === second.tMs)
    assert.equal(parts.length, 10, `10 buckets in the second at ${second.tMs} ms`)
    for (const key of ['completed', 'failed'] as const) assert.equal(parts.reduce((n, p) => n + p[key], 0), second[key], `${key} at ${second.tMs} ms`)
    for (const [id, n] of Object.entries(second.perBackend)) assert.equal(parts.reduce((a, p) => a + (p.perBackend[id] ?? 0), 0), n, `${id} at ${second.tMs} ms`)
  }
  assert.ok(fine.points.some((p) => p.latencyUs && p.latencyUs.p99 >= p.latencyUs.p50 && p.latencyUs.p50 > 0))
}

describe('lbbench run on cluster replicas behind the built-in proxy', () => {
  test('4 healthy replicas under round-robin get shares within 1% of 25%', async () => {
    const report = await run(`
name: even
replicas: {count: 4, ready: {timeout: 30s}}
load:
  connections: 8
  phases:
    - {name: warmup, duration: 500ms, measure: false}
    - {name: steady, duration: 2s}
`)
    assert.equal(report.summary.requests.failed, 0)
    assert.ok(report.summary.requests.completed > 400, `${report.summary.requests.completed} requests`)
    for (const b of report.backends) assert.ok(Math.abs(b.share - 0.25) <= 0.01, `${b.id}: ${(b.share * 100).toFixed(2)}%`)
    assert.ok(report.fairness.jain > 0.999)
  })

  test('a replica killed under load: 0 failed GETs with retries: 1, some with retries: 0', async (t) => {
    const withRetry = await run(killR2(1))
    const without = await run(killR2(0))
    t.diagnostic(`retries 1: ${withRetry.summary.requests.failed} failed, ${withRetry.failover[0]?.hidden} hidden; retries 0: ${without.summary.requests.failed} failed`)
    assert.equal(withRetry.summary.requests.failed, 0)
    assert.equal(withRetry.failover[0].failed, 0)
    assert.ok(withRetry.failover[0].hidden > 0, 'the retry hid at least one failed attempt')
    assert.ok(without.summary.requests.failed > 0, 'without a retry the clients see the kill')
    // Either way r2 serves nothing once it is dead.
    for (const r of [withRetry, without]) {
      const after = r.series.filter((p) => p.tMs >= 2000)
      assert.ok(after.length > 0)
      for (const p of after) assert.equal(p.perBackend.r2 ?? 0, 0)
      assertFineSeries(r)
    }
    // Within the second: the failures are where the kill is (the 100 ms part it fell in, or the one before
    // when the generator's clock ticked a moment late), not spread over t = 1–2 s.
    const failing = without.fineSeries!.points.filter((p) => p.failed > 0)
    assert.ok(failing.length > 0 && failing.every((p) => p.tMs >= 900), JSON.stringify(failing.map((p) => [p.tMs, p.failed])))
    assert.ok(failing.filter((p) => p.tMs < 1500).reduce((n, p) => n + p.failed, 0) >= without.summary.requests.failed / 2, 'most failures within 500 ms of the kill')
  })
})
