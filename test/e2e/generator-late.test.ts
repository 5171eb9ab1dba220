// A load generator that cannot keep up is a saturated measurement, never a run that could not be carried
// out (exit 3). Made cheaply: the test stops the generator process (SIGSTOP) in the middle of its only
// phase, for longer than the phase and the orchestrator's grace after it, then lets it go on (SIGCONT).
// Its clock then ticks seconds late, and the orchestrator has asked it to stop meanwhile: the report must
// still be whole (every second of the phase, valid), marked saturated with how late the clock was, and
// the exit is the thresholds' (here they hold), or 4 with --strict, as asked here. A generator stopped for
// good in a warm-up is killed after its stop's grace: aborted and saturated, exit 1; one that dies there by
// itself is a part that broke: exit 3, with a report marked aborted. Every report passes the schema.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {cli, leftAfter, processesMarked, reportPath, waitForOutput} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

const dir = tempDir('late')

/** The marked process that runs the load generator. */
function generatorPid(mark: string): number {
  const pid = processesMarked(mark).find((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('generator/main')
    } catch {
      return false
    }
  })
  assert.ok(pid !== undefined, 'the generator process')
  return pid
}

test('a generator stopped past its phase and the grace: a whole report marked saturated, exit 4 with --strict (not 3)', async () => {
  const file = join(dir, 'late.yaml')
  writeFileSync(file, ['name: late', 'replicas: {count: 2}', 'balancer: {kind: none}', 'load:', '  connections: 4', '  phases: [{name: steady, duration: 2s}]', 'thresholds: [errors.rate < 50%]', ''].join('\n'))
  const run = cli(['run', file, '--out', join(dir, 'reports'), '--strict', '--format', 'json'])
  await waitForOutput(run, 'phase steady started')
  await sleep(300)
  const pid = generatorPid(run.mark)
  process.kill(pid, 'SIGSTOP')
  // Past the phase's end (1.7 s on) and the grace after it (2 s): the orchestrator sends its stop
  // meanwhile, and gives it 3 s, which the generator must meet once it runs again.
  await sleep(4500)
  process.kill(pid, 'SIGCONT')
  const {code, stderr} = await run.done
  assert.equal(code, 4, stderr)
  const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
  assert.equal(report.meta.notRun, undefined, stderr)
  assert.equal(report.meta.aborted, undefined, 'a late generator does not abort the run')
  assert.equal(report.meta.generator.saturated, true)
  assert.ok(report.meta.generator.lateMs >= 3000, `lateMs ${report.meta.generator.lateMs}`)
  assert.ok(report.timeline.some((e: {kind: string}) => e.kind === 'generator-late'), 'the stop is on the timeline')
  assert.deepEqual(report.series.map((p: {tMs: number}) => p.tMs), [0, 1000], 'both seconds of the phase')
  assert.equal(report.pass, true, 'the thresholds held: without --strict the exit is 0')
  assert.deepEqual(await leftAfter(run.mark, 3000), [])
})

/** `lbbench report` reads it: it passes the report schema. */
async function assertValidReport(path: string): Promise<void> {
  const {code, stderr} = await cli(['report', path, '--format', 'json']).done
  assert.equal(code, 0, stderr)
}

const warmUpFirst = (name: string): string =>
  [`name: ${name}`, 'replicas: {count: 2}', 'balancer: {kind: none}', 'load:', '  connections: 4', '  phases: [{name: warm-up, duration: 1s, measure: false}, {name: steady, duration: 1s}]', ''].join('\n')

test('a generator that never reaches the measured phase and is killed after its stop grace: a report marked aborted and saturated, exit 1 (not 3)', async () => {
  const file = join(dir, 'never-measured.yaml')
  writeFileSync(file, warmUpFirst('never-measured'))
  const run = cli(['run', file, '--out', join(dir, 'reports'), '--format', 'json'])
  await waitForOutput(run, 'phase warm-up started')
  const pid = generatorPid(run.mark)
  // Stopped for good: past the phases (2 s), the grace (2 s) and the stop's own grace (3 s), then killed.
  process.kill(pid, 'SIGSTOP')
  const {code, stderr} = await run.done
  assert.equal(code, 1, stderr)
  const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
  assert.equal(report.meta.notRun, undefined, 'it ran: the generator was too slow, nothing broke')
  assert.equal(report.meta.aborted, true)
  assert.match(report.meta.abortReason, /the load generator did not finish in time: stopped, it did not deliver its last samples/)
  assert.equal(report.meta.generator.saturated, true)
  await assertValidReport(reportPath(stderr))
  assert.deepEqual(await leftAfter(run.mark, 3000), [])
})

test('a generator that dies in the warm-up: a report marked aborted with why, exit 3 (a part broke)', async () => {
  const file = join(dir, 'dies-in-warm-up.yaml')
  writeFileSync(file, warmUpFirst('dies-in-warm-up'))
  const run = cli(['run', file, '--out', join(dir, 'reports'), '--format', 'json'])
  await waitForOutput(run, 'phase warm-up started')
  process.kill(generatorPid(run.mark), 'SIGKILL')
  const {code, stderr} = await run.done
  assert.equal(code, 3, stderr)
  const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
  assert.equal(report.meta.notRun, undefined)
  assert.equal(report.meta.aborted, true)
  assert.match(report.meta.abortReason, /the load generator exited unexpectedly \(signal SIGKILL\)/)
  assert.match(stderr.trimEnd().split('\n').at(-1)!, /the load generator exited unexpectedly/)
  await assertValidReport(reportPath(stderr))
  assert.deepEqual(await leftAfter(run.mark, 3000), [])
})
