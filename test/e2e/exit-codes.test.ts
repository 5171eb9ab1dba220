// Exit codes of `lbbench run` end to end, through the compiled CLI (`npm run build` first):
//   0 pass · 1 threshold failed, baseline regression, abortOnFail stop (report written and marked) ·
//   2 bad scenario, bad flag, baseline from another scenario without --force, missing/corrupt baseline ·
//   3 a run that cannot be carried out (a process replica that exits at once).
// Exit 4 (--strict with a saturated generator) is decided by src/cli/exit-code.ts and tested in
// test/unit/exit-code.test.ts: the generator cannot be made to saturate reliably on a shared machine.
// Also: --format with all five formats writes every file atomically into the run's folder and prints each
// path, and with GITHUB_STEP_SUMMARY set the Markdown report is appended to it.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {cli, leftAfter, root} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

const tmp = () => tempDir('exit')
// Runs never append to a real job summary unless a test asks for it.
const quiet = {GITHUB_STEP_SUMMARY: ''}

function scenario(text: string): string {
  const file = join(tmp(), 'scenario.yaml')
  writeFileSync(file, text)
  return file
}

/** Every `report: <path>` line of stderr, as absolute paths. */
function printedPaths(stderr: string): string[] {
  return [...stderr.matchAll(/^report: (.+)$/gm)].map((m) => join(root, m[1]))
}

// Made by the first test, then doctored by the baseline tests.
let baselineReport: string | undefined
// 4 measured seconds: the noise of a run is estimated from at least 3 whole seconds.
const HELLO = ['scenarios/hello.yaml', '--time-scale', '0.8']

test('0: a passing run; --format with every format writes each file into the run folder, prints its path, appends the step summary', async () => {
  const out = tmp()
  const summary = join(tmp(), 'step-summary.md')
  writeFileSync(summary, '# earlier step\n')
  const run = cli(['run', ...HELLO, '--out', out, '--format', 'terminal,json,markdown,html,junit'], {GITHUB_STEP_SUMMARY: summary})
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 0, stderr)
  assert.match(stdout, /^lbbench · hello {2}PASS/m, 'terminal report on stdout')
  const paths = printedPaths(stderr)
  assert.deepEqual(paths.map((p) => p.slice(dirname(p).length + 1)), ['report.json', 'report.md', 'report.html', 'report.junit.xml'])
  const dir = dirname(paths[0])
  assert.ok(paths.every((p) => dirname(p) === dir), 'all in one run folder')
  assert.equal(dirname(dir), out, 'the run folder is under --out')
  for (const p of paths) assert.ok(readFileSync(p, 'utf8').length > 100, p)
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left (atomic writes)')
  assert.equal(JSON.parse(readFileSync(paths[0], 'utf8')).pass, true)
  assert.match(readFileSync(paths[3], 'utf8'), /^<\?xml .*<testsuites /s)
  const md = readFileSync(paths[1], 'utf8')
  assert.equal(readFileSync(summary, 'utf8'), `# earlier step\n${md}\n`, 'the Markdown report appended to the summary')
  baselineReport = paths[0]
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test('1: a threshold that fails', async () => {
  const file = scenario(`name: strict
replicas: {count: 2}
load: {connections: 2, phases: [{name: steady, duration: 1s}]}
thresholds: [latency.p50 < 1us]
`)
  const {code, stderr} = await cli(['run', file, '--out', tmp()], quiet).done
  assert.equal(code, 1, stderr)
})

test('1: a regression against --baseline (forced over a scenario hash mismatch), in every output', async () => {
  assert.ok(baselineReport, 'the first test made a baseline')
  // A baseline twenty times as fast and steady (±1% a second): the run is ~95% slower, beyond any noise
  // of a busy machine, whose seconds can differ 5× from one another.
  const b = JSON.parse(readFileSync(baselineReport, 'utf8'))
  const fast = b.summary.throughput.rps * 20
  b.series.forEach((p: {completed: number}, i: number) => (p.completed = Math.round(fast * (1 + ((i % 3) - 1) / 100))))
  b.summary.throughput.rps = fast
  b.meta.scenarioHash = 'sha256:0000000000000000000000000000000000000000000000000000000000000000'
  const file = join(tmp(), 'baseline.json')
  writeFileSync(file, JSON.stringify(b))

  const refused = await cli(['run', ...HELLO, '--out', tmp(), '--baseline', file], quiet).done
  assert.equal(refused.code, 2, refused.stderr)
  assert.match(refused.stderr, /the baseline was made from another scenario \(hash 000000000000; this run's is [0-9a-f]{12}\); use --force to compare anyway/)
  assert.doesNotMatch(refused.stderr, /starting/, 'refused before anything started')

  const run = cli(['run', ...HELLO, '--out', tmp(), '--baseline', file, '--force', '--tolerance', '20%', '--format', 'terminal,junit'], quiet)
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 1, stdout + stderr)
  assert.match(stderr, /warning: the baseline was made from another scenario .*compared anyway \(--force\)/)
  assert.match(stdout, /^Baseline against .*baseline\.json .*tolerance 20%: \d+ regressions?$/m)
  assert.match(stdout, /✘ +throughput\.rps .* regression$/m)
  assert.match(stdout, /^FAIL {2}\d+ regressions? against the baseline: .*throughput\.rps -\d+\.\d%/m)
  const [json, junit] = printedPaths(stderr)
  const report = JSON.parse(readFileSync(json, 'utf8'))
  assert.equal(report.pass, false)
  assert.equal(report.baseline.forced, true)
  assert.equal(report.baseline.tolerance, 0.2)
  const rps = report.baseline.rows.find((r: {metric: string}) => r.metric === 'throughput.rps')
  assert.equal(rps.regression, true, JSON.stringify(rps))
  assert.ok(rps.deltaPct < -80, String(rps.deltaPct))
  assert.match(readFileSync(junit, 'utf8'), /<testcase name="baseline throughput\.rps" classname="lbbench\.hello\.baseline" time="0">\s*<failure message="throughput\.rps regressed: /)
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test('1: abortOnFail stops the run as soon as a threshold can no longer hold; the report is written and marked', async () => {
  const file = scenario(`name: abort-early
replicas: {count: 2, app: {errorRate: 0.5}}
load: {connections: 4, phases: [{name: steady, duration: 20s}]}
abortOnFail: true
thresholds: [errors.count < 10, latency.p99 < 10s]
`)
  const run = cli(['run', file, '--out', tmp()], quiet)
  const {code, stdout, stderr, ms} = await run.done
  assert.equal(code, 1, stderr)
  assert.ok(ms < 15_000, `stopped early (${ms} ms for a 20 s phase)`)
  const report = JSON.parse(readFileSync(printedPaths(stderr)[0], 'utf8'))
  assert.equal(report.meta.aborted, true)
  assert.match(report.meta.abortReason, /^abortOnFail: errors\.count < 10 can no longer hold \(\d[\d,]* at t=\d+\.\ds\)$/)
  assert.equal(report.pass, false)
  assert.ok(report.summary.durationMs < 10_000, `measured ${report.summary.durationMs} ms`)
  assert.equal(report.thresholds[0].pass, false)
  assert.ok(report.timeline.some((e: {kind: string; detail: string}) => e.kind === 'aborted' && e.detail.startsWith('abortOnFail:')))
  assert.match(stdout, /ABORTED: abortOnFail: errors\.count < 10 can no longer hold/)
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test('2: bad scenario, bad flags, missing or corrupt baseline: a message, no stack, nothing started', async () => {
  const corrupt = join(tmp(), 'corrupt.json')
  writeFileSync(corrupt, '{"schemaVersion": 1')
  const notAReport = join(tmp(), 'other.json')
  writeFileSync(notAReport, '{"schemaVersion": 1, "pass": true}')
  const cases: Array<[string[], RegExp]> = [
    [[scenario('name: bad\nload: {connections: ten}\n')], /scenario\.yaml:2:\d+ load\.connections: /],
    [['scenarios/hello.yaml', '--format', 'foo'], /--format: unknown format foo; expected some of terminal, json, markdown, html, junit/],
    [['scenarios/hello.yaml', '--baseline', join(tmp(), 'missing.json')], /--baseline .*missing\.json: no such file/],
    [['scenarios/hello.yaml', '--baseline', corrupt], /--baseline .*corrupt\.json: not JSON/],
    [['scenarios/hello.yaml', '--baseline', notAReport], /--baseline .*other\.json: not a valid lbbench report:/],
    [['scenarios/hello.yaml', '--baseline', corrupt, '--tolerance', 'lots'], /--tolerance: expected a percentage like 10%/],
    [['scenarios/hello.yaml', '--tolerance', '5%'], /--tolerance applies only with --baseline/],
  ]
  for (const [args, message] of cases) {
    const {code, stderr} = await cli(['run', ...args, '--out', tmp()], quiet).done
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`)
    assert.match(stderr, message)
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace')
    assert.doesNotMatch(stderr, /starting/, 'nothing started')
  }
})

test('3: a process replica whose command exits at once', async () => {
  const file = scenario(`name: dies-at-once
replicas: {count: 1, kind: process, command: "exit 3"}
load: {connections: 2, phases: [{name: steady, duration: 1s}]}
`)
  const run = cli(['run', file, '--out', tmp()], quiet)
  const {code, stderr} = await run.done
  assert.equal(code, 3, stderr)
  assert.match(stderr, /replica r1 did not become ready: exited with code 3/)
  assert.doesNotMatch(stderr, /\n\s+at /)
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})
