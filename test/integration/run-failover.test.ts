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
import type {Report} from '../../src/model/report.js'

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
    }
  })
})
