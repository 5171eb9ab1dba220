// The Backends table's two counts on real cluster replicas behind the built-in proxy, with nothing that
// adds attempts (retries 0, no faults): the proxy's attempts and the clients' answers cover the same
// measured time, so they differ by no more than the legend under the table says (report/backends-legend.ts):
// the requests cut off in flight when the load stopped, and next to a warm-up, one 100 ms step.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {parseScenarioText} from '../../src/scenario/load.js'
import {processesOfRun} from '../../src/process/processes-of-run.js'
import {runScenario} from '../../src/run/orchestrator.js'
import type {Report} from '../../src/model/report.js'

const dir = await mkdtemp(join(tmpdir(), 'lbbench-attempts-'))
after(() => rm(dir, {recursive: true, force: true}))

const connections = 8

async function run(phases: string): Promise<Report> {
  const yaml = `
name: attempts-and-requests
replicas: {count: 4, app: {latency: 1ms}, ready: {timeout: 30s}}
balancer: {retries: 0}
load:
  connections: ${connections}
  phases: ${phases}
`
  const {report, runDir} = await runScenario(parseScenarioText(yaml, 'test.yaml'), {reportsDir: dir, signal: new AbortController().signal, hooks: {log: () => {}}})
  assert.deepEqual(processesOfRun(basename(runDir)), [], 'nothing of the run outlives it')
  assert.ok(!report.meta.aborted, `the run was aborted: ${report.meta.abortReason}`)
  assert.equal(report.summary.requests.failed, 0)
  return report
}

const rows = (r: Report) => r.backends.map((b) => `${b.id}: ${b.attempts} attempts, ${b.requests} requests`).join('; ')

describe('attempts and requests per backend, retries 0, no faults', () => {
  test('one measured phase: every attempt was answered, but for those cut off when the load stopped', async (t) => {
    const r = await run('[{name: steady, duration: 2s}]')
    t.diagnostic(rows(r))
    assert.ok(r.summary.requests.completed > 400, `${r.summary.requests.completed} requests`)
    let cutOff = 0
    for (const b of r.backends) {
      assert.ok(b.attempts !== undefined && b.attempts >= b.requests, rows(r))
      cutOff += b.attempts - b.requests
    }
    assert.ok(cutOff <= connections, `at most one request per connection was in flight at the end: ${rows(r)}`)
  })

  test('after a warm-up: the same, give or take one 100 ms step of attempts per backend', async (t) => {
    const r = await run('[{name: warmup, duration: 1s, measure: false}, {name: steady, duration: 2s}]')
    t.diagnostic(rows(r))
    for (const b of r.backends) {
      const busiestSecond = Math.max(...r.series.map((p) => p.perBackend[b.id] ?? 0))
      const step = Math.ceil(busiestSecond / 10)
      const diff = (b.attempts ?? 0) - b.requests
      assert.ok(diff >= -step && diff <= connections + step, `${b.id}: a 100 ms step is ${step} attempts; ${rows(r)}`)
    }
  })
})
