// `lbbench compare` end to end, from the sources (bin/dev.js): two strategies on a short scenario give
// one side-by-side table and a comparison.json holding both runs' reports; a combination a balancer
// cannot do stops everything before it starts (exit 2), as does a single subject without --repeat;
// Ctrl-C keeps what was measured (exit 130).
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Report} from '../../src/model/report.js'
import {leftAfter, root} from '../helpers/cli.js'
import {withValidDocuments} from '../helpers/written-reports.js'

const dir = mkdtempSync(join(tmpdir(), 'lbbench-compare-'))
after(() => rmSync(dir, {recursive: true, force: true}))

const scenario = join(dir, 'short.yaml')
writeFileSync(
  scenario,
  `name: short
seed: 3
replicas:
  count: 2
  ready: {timeout: 30s}     # the machine is shared with other tests
  app: {latency: 1ms}
  overrides:
    r2: {latency: 10ms}
load:
  connections: 4
  phases:
    - {name: warmup, duration: 500ms, measure: false}
    - {name: steady, duration: 1500ms}
thresholds: [errors.rate < 1%]
`,
)

interface Done {
  code: number
  stdout: string
  stderr: string
}

/** The CLI from the sources; every process it starts carries LBBENCH_TEST_MARK. */
function dev(args: string[]) {
  const mark = randomUUID()
  const child = spawn(process.execPath, [join(root, 'bin', 'dev.js'), ...args], {
    cwd: root,
    env: {...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, LBBENCH_TEST_MARK: mark},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const done = new Promise<Done>((resolve) =>
    child.on('close', (code, signal) => resolve({code: code ?? (signal === 'SIGINT' ? 130 : 1), stdout, stderr: clean(stderr)})),
  ).then((result) => withValidDocuments(result, root))
  return {child, mark, done, stderr: () => stderr}
}

// oclif's development mode warns, with a stack, that it maps commands to the compiled paths; not ours.
const clean = (s: string) => s.replace(/^Warning: Could not find source for .* based on tsconfig\. Defaulting to compiled source\.\n(?:\s+at .*\n)*/gm, '')

function comparisonPath(stderr: string): string {
  const m = /comparison: (\S+comparison\.json)/.exec(stderr)
  assert.ok(m, `no comparison path in:\n${stderr}`)
  return join(root, m[1])
}

test('compare two strategies: one table side by side, comparison.json with both reports, nothing left', async () => {
  const out = join(dir, 'two')
  const run = dev(['compare', scenario, '--strategies', 'round-robin,least-connections', '--time-scale', '1', '--out', out, '--format', 'terminal,markdown'])
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 0, stderr)
  assert.doesNotMatch(stderr, /^\s+at /m)
  // The table: one column per subject, the rows of issue 3.
  assert.match(stdout, /lbbench compare · short/)
  const header = stdout.split('\n').find((l) => /round-robin\s+least-connections/.test(l))
  assert.ok(header, `no header with both subjects in:\n${stdout}`)
  for (const row of ['throughput', 'latency p50', 'latency p99', 'latency p99.9', 'failed requests', "Jain's index", 'share r1', 'share r2', 'balancer CPU']) {
    assert.ok(stdout.includes(row), `the table has ${row}:\n${stdout}`)
  }
  assert.match(stdout, /★/)
  // Each subject named once; no legend letters; every row of the second subject has its change
  // against the first; req/s as the table writes it, on stderr too.
  assert.match(stdout, /^ {2}round-robin on builtin: PASS\n {2}least-connections on builtin: PASS$/m)
  assert.match(stdout, /^ {3}throughput \(req\/s\) +[\d,]+\.\d(?: ★)? +[\d,]+\.\d +(?:[+-][\d,]+\.\d|0\.0)%/m)
  // A failed request or two in the second run only (a busy machine) makes its change "from 0".
  for (const row of ['latency p50', 'latency p99', 'failed requests', 'error rate', 'share r1', 'balancer CPU']) {
    assert.match(stdout, new RegExp(`^ {3}${row} .* (?:(?:[+-][\\d,]+\\.\\d|0\\.0)%|from 0)(?: [★☆])?\\s*$`, 'm'), row)
  }
  for (const name of ['round-robin', 'least-connections']) {
    assert.match(stderr, new RegExp(`^ {2}${name}: [\\d,]+\\.\\d req/s · p99 [\\d,]+\\.\\d{3} ms · 0 failed · pass · `, 'm'))
  }
  const file = comparisonPath(stderr)
  assert.match(stderr, /comparison: \S+comparison\.md/)
  const c = JSON.parse(readFileSync(file, 'utf8'))
  assert.equal(c.kind, 'comparison')
  assert.equal(c.schemaVersion, 1)
  assert.deepEqual(c.subjects.map((s: {label: string}) => s.label), ['round-robin', 'least-connections'])
  for (const s of c.subjects) {
    assert.equal(s.reports.length, 1)
    const r = s.reports[0]
    assert.equal(r.schemaVersion, 1)
    assert.equal(r.scenario.balancer.strategy, s.label)
    assert.ok(r.summary.requests.completed > 50, `${s.label}: load went through`)
    assert.equal(r.summary.requests.failed, 0)
  }
  // Each run is a normal run with its own folder next to the comparison.
  const runs = readdirSync(join(file, '..')).filter((f) => f.startsWith('short-'))
  assert.equal(runs.length, 2)
  for (const f of runs) assert.ok(existsSync(join(file, '..', f, 'report.json')), `${f}/report.json`)
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test("weights a strategy ignores: compare warns about that subject alone, its report notes it before the load, and its fairness shows the weights not followed", async () => {
  const weighted = join(dir, 'weighted.yaml')
  writeFileSync(weighted, readFileSync(scenario, 'utf8').replace('name: short', 'name: weighted').replace('r2: {latency: 10ms}', 'r1: {weight: 3}'))
  const run = dev(['compare', weighted, '--strategies', 'round-robin,weighted-round-robin', '--time-scale', '1', '--out', join(dir, 'weighted')])
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 0, stderr)
  assert.match(stdout, /^warning: round-robin: replicas\.overrides weigh r1 3 \(the others 1\), but round-robin takes the backends in turn whatever their weights \(weighted-round-robin follows them\); the fairness figures /m)
  assert.doesNotMatch(stdout, /^warning: weighted-round-robin:/m)
  const c = JSON.parse(readFileSync(comparisonPath(stderr), 'utf8'))
  const [rr, wrr] = c.subjects.map((s: {reports: Report[]}) => s.reports[0])
  const notes = (r: Report) => r.timeline.filter((e) => e.kind === 'weights-ignored')
  assert.equal(notes(rr).length, 1, JSON.stringify(rr.timeline))
  assert.ok(notes(rr)[0].atMs < 0, 'said before the load')
  assert.deepEqual(notes(wrr), [])
  // Round-robin splits 1:1, so per unit of weight r1 gets a third of r2's: Jain 0.8. Weighted, 3:1: 1.
  const share = (r: Report) => r.backends.find((b) => b.id === 'r1')!.share
  assert.ok(Math.abs(share(rr) - 0.5) < 0.05 && rr.fairness.jain < 0.85, `round-robin: r1 ${share(rr)}, Jain ${rr.fairness.jain}`)
  assert.ok(Math.abs(share(wrr) - 0.75) < 0.05 && wrr.fairness.jain > 0.98, `weighted-round-robin: r1 ${share(wrr)}, Jain ${wrr.fairness.jain}`)
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test('nginx with peak-ewma: exit 2 before anything runs, naming what nginx can do', async () => {
  const out = join(dir, 'bad')
  const {code, stderr, stdout} = await dev(['compare', scenario, '--strategies', 'round-robin,peak-ewma', '--balancers', 'builtin,nginx', '--out', out]).done
  assert.equal(code, 2, stderr)
  assert.match(stderr, /balancer nginx with strategy peak-ewma: balancer\.strategy: nginx has no peak-ewma strategy/)
  assert.match(stderr, /nginx can do: round-robin, weighted-round-robin, least-connections/)
  assert.match(stderr, /nothing was run/)
  assert.doesNotMatch(stderr, /starting|^\s+at /m)
  assert.equal(stdout, '')
  assert.equal(existsSync(out), false, 'no reports folder: nothing ran')
})

test('one subject without --repeat: exit 2 before anything runs, saying what to do instead', async () => {
  const out = join(dir, 'one')
  const {code, stderr, stdout} = await dev(['compare', scenario, '--strategies', 'round-robin', '--out', out]).done
  assert.equal(code, 2, stderr)
  assert.match(stderr, /^only one subject to compare \(round-robin\): a comparison needs two or more\. .*--repeat N/m)
  assert.doesNotMatch(stderr, /starting|^\s+at /m)
  assert.equal(stdout, '')
  assert.equal(existsSync(out), false, 'nothing ran')
})

test('one subject with --repeat 2: its runs, and a note that there is nothing to compare it with', async () => {
  const out = join(dir, 'one-repeated')
  const run = dev(['compare', scenario, '--strategies', 'p2c', '--repeat', '2', '--time-scale', '0.5', '--out', out])
  const {code, stderr, stdout} = await run.done
  assert.equal(code, 0, stderr)
  assert.match(stderr, /^one subject, p2c: its 2 runs show how much one subject varies/m)
  assert.match(stdout, /mean of 2 runs/)
  const c = JSON.parse(readFileSync(comparisonPath(stderr), 'utf8'))
  assert.deepEqual(c.subjects.map((s: {label: string; reports: unknown[]}) => [s.label, s.reports.length]), [['p2c', 2]])
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})

test('a bad flag value is exit 2 with a clear message', async () => {
  const {code, stderr} = await dev(['compare', scenario, '--strategies', 'round-robin,least-conn']).done
  assert.equal(code, 2)
  assert.match(stderr, /--strategies: unknown name least-conn \(did you mean least-connections\?\)/)
})

test('SIGINT during the second run: exit 130, comparison.json with what was measured, nothing left', async () => {
  const out = join(dir, 'interrupted')
  const run = dev(['compare', scenario, '--strategies', 'round-robin,p2c', '--time-scale', '3', '--out', out])
  const until = Date.now() + 90_000
  while (!/run 2 of 2[\s\S]*phase steady started/.test(run.stderr())) {
    assert.ok(Date.now() < until && run.child.exitCode === null, `the second run did not start measuring:\n${run.stderr()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  await new Promise((r) => setTimeout(r, 1000))
  run.child.kill('SIGINT')
  const {code, stderr} = await run.done
  assert.equal(code, 130, stderr)
  const c = JSON.parse(readFileSync(comparisonPath(stderr), 'utf8'))
  assert.deepEqual(c.subjects.map((s: {label: string}) => s.label), ['round-robin', 'p2c'])
  assert.equal(c.subjects[0].reports[0].meta.aborted ?? false, false)
  assert.equal(c.subjects[1].reports[0].meta.aborted, true)
  assert.ok(c.warnings.some((w: string) => /p2c: a run was interrupted/.test(w)))
  assert.deepEqual(await leftAfter(run.mark, 2000), [])
})
