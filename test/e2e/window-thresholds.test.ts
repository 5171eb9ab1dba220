// Window thresholds end to end, through the compiled CLI (`npm run build` first): a 2 s outage (every
// replica answers 503) fails `errors.rate[window=1s] < 10%` (exit 1) while the whole run's rate, about a
// third, passes `errors.rate < 60%`; report.json names the worst window; with abortOnFail the run stops
// at the first failed window; without the outage the same thresholds hold (exit 0).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli, leftAfter, reportPath} from '../helpers/cli.js'
import type {Report} from '../../src/model/report.js'
import {tempDir} from '../helpers/temp-dir.js'

const tmp = () => tempDir('window')

function scenario(o: {outage: boolean; abortOnFail?: boolean}): string {
  const file = join(tmp(), 'scenario.yaml')
  writeFileSync(file, `name: windows
replicas: {count: 2}
balancer: {retries: 0}
load:
  connections: 4
  rate: 200
  phases: [{name: warmup, duration: 1s, measure: false}, {name: steady, duration: 6s}]
faults: ${o.outage ? '[{at: 2s, action: fail, target: [r1, r2], status: 503, for: 2s}]' : '[]'}
thresholds:
  - errors.rate[window=1s] < 10%
  - errors.rate < 60%
  - latency.p99[steady, window=2s] < 2s
abortOnFail: ${o.abortOnFail ?? false}
`)
  return file
}

async function run(file: string): Promise<{code: number; report: Report; stdout: string; stderr: string}> {
  const r = cli(['run', file, '--out', tmp()], {GITHUB_STEP_SUMMARY: ''})
  const {code, stdout, stderr} = await r.done
  assert.deepEqual(await leftAfter(r.mark, 2000), [], 'nothing left running')
  return {code, report: JSON.parse(readFileSync(reportPath(stderr), 'utf8')) as Report, stdout, stderr}
}

test('an outage fails its 1 s windows (exit 1) though the whole run passes; the worst window is in report.json', async () => {
  const {code, report, stdout, stderr} = await run(scenario({outage: true}))
  assert.equal(code, 1, stdout + stderr)
  const [windowed, whole, latency] = report.thresholds
  assert.equal(whole.pass, true, `the whole run's rate ${whole.actual} is under 60%`)
  assert.equal(windowed.pass, false)
  assert.ok(windowed.actual! > 0.9, `the worst window failed nearly everything: ${windowed.actual}`)
  const w = windowed.worstWindow!
  assert.ok(w.startMs === 2000 || w.startMs === 3000, `the worst window is in the outage: ${JSON.stringify(w)}`)
  assert.equal(w.endMs, w.startMs + 1000)
  assert.equal(w.windows, 6)
  assert.ok(w.failed >= 2 && w.failed <= 3, `the outage's seconds failed, the others held: ${w.failed}`)
  assert.equal(latency.worstWindow?.windows, 5)
  assert.match(stdout, /✘ {2}errors\.rate\[window=1s\] < 10% +\d+\.\d+% {2}worst window t=[23]–[34]s \([23] of 6 windows failed\)/)
})

test('abortOnFail stops at the first window that fails', async () => {
  const {code, report, stderr} = await run(scenario({outage: true, abortOnFail: true}))
  assert.equal(code, 1, stderr)
  assert.equal(report.meta.aborted, true)
  assert.match(report.meta.abortReason ?? '', /^abortOnFail: errors\.rate\[window=1s\] < 10% can no longer hold \(\d+\.\d+% at t=[34]\.0s\)$/)
  assert.ok(report.summary.durationMs < 5000, `stopped before the end: ${report.summary.durationMs} ms measured`)
})

test('without the outage every window holds (exit 0)', async () => {
  const {code, report, stdout, stderr} = await run(scenario({outage: false}))
  assert.equal(code, 0, stdout + stderr)
  const [windowed, , latency] = report.thresholds
  assert.deepEqual({...windowed.worstWindow, startMs: 0, endMs: 0}, {startMs: 0, endMs: 0, windows: 6, failed: 0})
  assert.equal(windowed.pass, true)
  assert.equal(latency.pass, true)
  assert.equal(latency.worstWindow?.failed, 0)
  assert.match(stdout, /^PASS {2}all 3 thresholds held$/m)
})
