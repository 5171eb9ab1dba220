// `lbbench run` end to end, through the compiled CLI: the shipped scenarios (shortened with
// --time-scale), --json, exit codes, and what is left after Ctrl-C, SIGTERM and SIGKILL.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli, leftAfter, processesMarked, reportPath, waitForOutput} from '../helpers/cli.js'
import {describeWait, exitedInTime} from '../helpers/exit-in-time.js'
import {tempDir} from '../helpers/temp-dir.js'

const V1_KEYS = ['schemaVersion', 'meta', 'scenario', 'summary', 'backends', 'fairness', 'failover', 'series', 'timeline', 'thresholds', 'pass']

test('run --json prints only the v1 report on stdout; nothing is left running', async () => {
  const run = cli(['run', 'scenarios/hello.yaml', '--json', '--time-scale', '0.4', '--out', tmp()])
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 0, stderr)
  const report = JSON.parse(stdout)
  for (const key of V1_KEYS) assert.ok(key in report, `report has ${key}`)
  assert.equal(report.schemaVersion, 1)
  assert.equal(report.summary.requests.failed, 0)
  assert.ok(report.summary.requests.completed > 100, 'load went through')
  assert.ok(report.summary.latencyUs.p50 > 0)
  assert.deepEqual(report.backends.map((b: {id: string}) => b.id), ['r1', 'r2'])
  for (const b of report.backends) assert.ok(Math.abs(b.share - 0.5) < 0.02, `${b.id} share ${b.share}`)
  for (const key of ['sent', 'completed', 'failed']) assert.equal(typeof report.summary.requests[key], 'number')
  assert.match(stderr, /report: .*report\.json/)
  // The progress line: the steady phase's own time (2 s at --time-scale 0.4, the warm-up apart), failed
  // requests as the report counts them, and its last state before the parts are stopped.
  const lines = stderr.split('\n')
  const last = lines.findLastIndex((l) => l.startsWith('steady '))
  assert.match(lines[last], /^steady 2\.0s\/2\.0s · [\d,]+ req\/s · 0 failed · backends 2\/2 up$/, stderr)
  assert.ok(last < lines.indexOf('stopping the replicas and the balancer'), stderr)
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test('failover.yaml: a SIGKILLed replica costs no request with retries, and the terminal report shows it', async () => {
  const out = tmp()
  const run = cli(['run', 'scenarios/failover.yaml', '--time-scale', '0.5', '--out', out])
  const {code, stdout, stderr} = await run.done
  const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
  // Its latency threshold depends on how busy the machine is; the exit code must agree with the verdict.
  assert.equal(code, report.pass ? 0 : 1, stdout + stderr)
  for (const heading of ['Requests', 'Latency', 'Backends', 'Fairness', 'Failover', 'Per second', 'Thresholds']) {
    assert.match(stdout, new RegExp(heading), `terminal report has ${heading}`)
  }
  assert.match(stdout, /kill/)
  assert.equal(report.summary.requests.failed, 0)
  assert.equal(report.failover.length, 1)
  assert.equal(report.failover[0].target, 'r2')
  assert.equal(report.failover[0].failed, 0)
  // While r2 is down its share is 0: the seconds after the kill and before the restart.
  const killedAt = report.failover[0].atMs
  const downSeconds = report.series.filter((p: {tMs: number}) => p.tMs >= Math.ceil(killedAt / 1000) * 1000 && p.tMs + 1000 <= 3500)
  assert.ok(downSeconds.length > 0)
  for (const p of downSeconds) assert.equal(p.perBackend.r2 ?? 0, 0, `r2 served nothing at t=${p.tMs}`)
  assert.ok(report.timeline.some((e: {atMs: number; kind: string; target?: string}) => e.kind === 'replica-ready' && e.target === 'r2' && e.atMs > killedAt))
  // The clients' connections end at the proxy, which the kill does not touch: all 20 open every second.
  assert.deepEqual(report.series.map((p: {openConnections: number}) => p.openConnections), report.series.map(() => 20))
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test('a threshold that fails gives exit 1, and the report says which; --format json alone prints it', async () => {
  const file = scenario(`name: strict
replicas: {count: 2, app: {latency: 2ms}}
load: {connections: 4, phases: [{name: steady, duration: 1s}]}
thresholds: [latency.p50 < 1us, errors.rate < 1%]
`)
  // One format asked for: that one on stdout, as --json would (and report.json in the run's folder).
  const run = cli(['run', file, '--format', 'json', '--out', tmp()])
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 1)
  const report = JSON.parse(stdout)
  assert.deepEqual(JSON.parse(readFileSync(reportPath(stderr), 'utf8')), report)
  assert.equal(report.pass, false)
  assert.deepEqual(report.thresholds.map((t: {pass: boolean}) => t.pass), [false, true])
})

test('a bad scenario gives exit 2 and a message with file:line:col, no stack', async () => {
  const file = scenario(`name: bad
load:
  connections: ten
`)
  const {code, stderr} = await cli(['run', file]).done
  assert.equal(code, 2)
  assert.match(stderr, /:3:16 load\.connections: /)
  assert.doesNotMatch(stderr, /\n\s+at /)
})

for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} while measuring: the partial report is written marked aborted, nothing is left, exit ${exitCode} within 5 s`, async () => {
    const run = cli(['run', 'scenarios/hello.yaml', '--out', tmp()])
    await waitForOutput(run, 'phase steady started')
    await new Promise((r) => setTimeout(r, 1000))
    const before = processesMarked(run.mark)
    assert.ok(before.length >= 4, `replicas, proxy and generator are running (${before.length})`)
    const sentAt = Date.now()
    run.child.kill(signal)
    const {code, stderr} = await run.done
    assert.equal(code, exitCode, stderr)
    assert.ok(Date.now() - sentAt < 5000, `exited within 5 s (${Date.now() - sentAt} ms)`)
    const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
    assert.equal(report.meta.aborted, true)
    assert.equal(report.pass, false)
    assert.ok(report.summary.requests.completed > 0, 'what was measured is kept')
    assert.deepEqual(await leftAfter(run.mark, 2000), [])
  })
}

test('SIGINT during start-up stops the replicas that had started', async () => {
  const run = cli(['run', 'scenarios/failover.yaml', '--out', tmp()])
  await waitForOutput(run, 'starting 4 cluster replicas')
  await new Promise((r) => setTimeout(r, 300))
  run.child.kill('SIGINT')
  const {code} = await run.done
  assert.equal(code, 130)
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test('SIGKILL of the orchestrator: replicas, proxy and generator notice and exit within 2 s', async () => {
  const run = cli(['run', 'scenarios/hello.yaml', '--out', tmp()])
  await waitForOutput(run, 'phase steady started')
  await new Promise((r) => setTimeout(r, 1000))
  assert.ok(processesMarked(run.mark).length >= 4)
  run.child.kill('SIGKILL')
  // Timed from the kill: `run.done` waits for the pipes to close, which the generator holds until it exits.
  const wait = await exitedInTime(() => processesMarked(run.mark), 2000)
  assert.deepEqual(wait.left, [], describeWait(wait, 2000))
  await run.done
})

function tmp(): string {
  return tempDir('e2e')
}

function scenario(text: string): string {
  const file = join(tmp(), 'scenario.yaml')
  writeFileSync(file, text)
  return file
}

test('--version answers without loading oclif, in the text oclif would print', async () => {
  const {code, stdout} = await cli(['--version']).done
  assert.equal(code, 0)
  const {version} = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'))
  assert.equal(stdout, `lbbench/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
})
