// Baseline comparison on synthetic reports: a real regression is caught, noise and changes within the
// tolerance are not, direction matters, and scenario/environment mismatches are handled as documented.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {checkBaselineScenario, compareWithBaseline, fingerprintWarnings, parseTolerance, withBaseline} from '../../src/metrics/baseline.js'
import {medianShift, studentTwoSidedP, welch} from '../../src/metrics/noise.js'
import {reportSchema} from '../../src/report/report-schema.js'
import {renderTerminal} from '../../src/report/terminal.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderJunit} from '../../src/report/junit.js'
import {renderHtml} from '../../src/report/html.js'
import type {BaselineRow, Report} from '../../src/model/report.js'
import {UsageError} from '../../src/model/errors.js'
import {seededRandom} from '../../src/model/random.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {parseXml, findAll} from '../fixtures/xml-check.js'

interface Shape {
  /** Mean responses per second and how far each second may stray from it (a fraction, uniform). */
  rps: number
  rpsSpread?: number
  /** Per-second p50/p99 in µs and their spread. */
  p50?: number
  p99?: number
  latencySpread?: number
  /** Failed requests per second (a list, one per second) */
  failed?: number[]
  seconds?: number
  seed?: number
}

/** A coherent report of `seconds` seconds: no faults, two backends splitting evenly, figures from the series. */
function synthetic(shape: Shape): Report {
  const r = sampleReport({failedOnKill: 0})
  const rand = seededRandom(shape.seed ?? 1)
  const n = shape.seconds ?? 10
  const vary = (base: number, spread: number) => base * (1 + (rand() * 2 - 1) * spread)
  r.series = Array.from({length: n}, (_, s) => {
    const completed = Math.round(vary(shape.rps, shape.rpsSpread ?? 0.01))
    const failed = shape.failed?.[s] ?? 0
    const r1 = Math.round(completed / 2)
    return {
      tMs: s * 1000,
      phase: 'steady',
      sent: completed + failed,
      completed,
      failed,
      errors: {connect: 0, reset: failed, timeout: 0, non2xx: 0, lost: 0},
      latencyUs: {p50: Math.round(vary(shape.p50 ?? 1000, shape.latencySpread ?? 0.02)), p99: Math.round(vary(shape.p99 ?? 3000, shape.latencySpread ?? 0.02))},
      perBackend: {r1, r2: completed - r1},
    }
  })
  const completed = r.series.reduce((a, p) => a + p.completed, 0)
  const failed = r.series.reduce((a, p) => a + p.failed, 0)
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const p50 = med(r.series.map((p) => p.latencyUs.p50))
  const p99 = med(r.series.map((p) => p.latencyUs.p99))
  r.summary = {
    ...r.summary,
    durationMs: n * 1000,
    requests: {sent: completed + failed, completed, failed},
    errors: {connect: 0, reset: failed, timeout: 0, non2xx: 0, lost: 0},
    errorRate: failed / (completed + failed),
    latencyUs: {p50, p90: Math.round(p99 * 0.7), p99, p999: Math.round(p99 * 1.5), max: Math.round(p99 * 3), mean: Math.round(p50 * 1.1), count: completed},
    throughput: {rps: completed / n, bytesPerSec: (completed * 165) / n},
  }
  delete r.summary.histogram
  r.phases = {steady: r.summary}
  r.backends = r.backends.slice(0, 2).map((b) => ({...b, requests: completed / 2, share: 0.5, events: []}))
  r.fairness = {jain: 1, cv: 0, maxMean: 1, minMean: 1, over: ['r1', 'r2']}
  r.failover = []
  return r
}

const row = (rows: BaselineRow[], metric: string) => {
  const found = rows.find((x) => x.metric === metric)
  assert.ok(found, `a row for ${metric}`)
  return found
}
const compare = (current: Report, baseline: Report, tolerance = 0.1) => compareWithBaseline(current, baseline, {file: 'baseline/report.json', tolerance})

describe('baseline comparison', () => {
  test('a real regression is caught: rps −30% with tight per-second samples', () => {
    const baseline = synthetic({rps: 2000, seed: 1})
    const current = synthetic({rps: 1400, seed: 2})
    const b = compare(current, baseline)
    const rps = row(b.rows, 'throughput.rps')
    assert.ok(rps.deltaPct! < -28 && rps.deltaPct! > -32, String(rps.deltaPct))
    assert.equal(rps.beyondTolerance, true)
    assert.equal(rps.beyondNoise, true)
    assert.equal(rps.regression, true)
    assert.match(rps.noise!, /^Welch t=-\d+\.\d+ df=\d+\.\d p<0\.001 \(n=10\/10 s\)$/)
    assert.equal(b.regressions, b.rows.filter((x) => x.regression).length)
    assert.ok(b.regressions >= 1)
    assert.deepEqual(b.rows.filter((x) => x.regression).map((x) => x.metric), ['throughput.rps'])
    // The report fails with it, and every renderer says so.
    const report = withBaseline({...current, pass: true}, b)
    assert.equal(report.pass, false)
    assert.equal(reportSchema.safeParse(JSON.parse(JSON.stringify(report))).success, true)
    const term = renderTerminal(report, {color: false})
    assert.match(term, /Baseline against baseline\/report\.json \(2025-06-01T12:00:00\.000Z\), tolerance 10%: 1 regression/)
    assert.match(term, /✘ +throughput\.rps +[12],\d{3}\.\d +1,[34]\d\d\.\d +-[56]\d\d\.\d +-\d\d\.\d% +regression/)
    assert.match(term, /FAIL {2}1 regression against the baseline: throughput\.rps -\d\d\.\d%/)
    const md = renderMarkdown(report)
    assert.match(md, /### Baseline/)
    assert.match(md, /\| ❌ \| `throughput\.rps` \| .* \| \*\*regression\*\* \|/)
    const root = parseXml(renderJunit(report))
    const cases = findAll(root, 'testcase').filter((c) => c.attrs.name.startsWith('baseline '))
    assert.equal(cases.length, b.rows.length)
    const failures = findAll(root, 'failure').filter((f) => f.attrs.type === 'regression')
    assert.equal(failures.length, 1)
    assert.match(failures[0].attrs.message, /^throughput\.rps regressed: /)
    assert.match(renderHtml(report), /<h2>Baseline<\/h2>.*<code>throughput\.rps<\/code>/s)
  })

  test('noise is not flagged: −8% in the means with a wide per-second spread, even with a 5% tolerance', () => {
    const baseline = synthetic({rps: 2000, rpsSpread: 0.4, seed: 3})
    const current = synthetic({rps: 1840, rpsSpread: 0.4, seed: 4})
    const rps = row(compare(current, baseline, 0.05).rows, 'throughput.rps')
    assert.ok(rps.deltaPct! < -5, `the change is beyond 5% (${rps.deltaPct})`)
    assert.equal(rps.beyondTolerance, true)
    assert.equal(rps.beyondNoise, false, rps.noise)
    assert.equal(rps.regression, false)
  })

  test('a real change within the tolerance is not a regression', () => {
    const baseline = synthetic({rps: 2000, seed: 5})
    const current = synthetic({rps: 1900, seed: 6})
    const rps = row(compare(current, baseline).rows, 'throughput.rps')
    assert.equal(rps.beyondNoise, true)
    assert.equal(rps.beyondTolerance, false)
    assert.equal(rps.regression, false)
  })

  test('direction matters: latency up is bad, latency down and rps up are not', () => {
    const baseline = synthetic({rps: 2000, p50: 1000, p99: 3000, seed: 7})
    const slower = compare(synthetic({rps: 2000, p50: 1500, p99: 4500, seed: 8}), baseline)
    for (const m of ['latency.p50', 'latency.p99', 'latency.mean']) assert.equal(row(slower.rows, m).regression, true, m)
    assert.match(row(slower.rows, 'latency.p99').noise!, /^bootstrap of per-second medians: shift \d+, 95% interval \[\d+, \d+\] \(n=10\/10 s\)$/)
    const faster = compare(synthetic({rps: 2600, p50: 500, p99: 1500, seed: 9}), baseline)
    for (const m of ['latency.p50', 'latency.p99', 'throughput.rps']) {
      const x = row(faster.rows, m)
      assert.equal(x.beyondNoise, false, `${m}: an improvement is not beyond noise in the bad direction`)
      assert.equal(x.beyondTolerance, false, m)
      assert.equal(x.regression, false, m)
    }
    assert.equal(faster.regressions, 0)
  })

  test('failures from a baseline of none: beyond the tolerance, but one bad second is within noise', () => {
    const baseline = synthetic({rps: 2000, seed: 10})
    const once = compare(synthetic({rps: 2000, seed: 11, failed: [0, 0, 0, 0, 3]}), baseline)
    const failed = row(once.rows, 'requests.failed')
    assert.equal(failed.deltaPct, null)
    assert.equal(failed.beyondTolerance, true)
    assert.equal(failed.regression, false, failed.noise)
    const steady = compare(synthetic({rps: 2000, seed: 11, failed: Array(10).fill(40)}), baseline)
    assert.equal(row(steady.rows, 'requests.failed').regression, true)
    assert.equal(row(steady.rows, 'errors.rate').regression, true)
  })

  test('rows for failover figures only when both runs had faults, and one per backend share', () => {
    const a = synthetic({rps: 2000, seed: 12})
    const b = synthetic({rps: 2000, seed: 13})
    assert.equal(compare(b, a).rows.some((x) => x.metric.startsWith('failover.')), false)
    assert.deepEqual(compare(b, a).rows.filter((x) => x.metric.startsWith('backend.')).map((x) => x.metric), ['backend.r1.share', 'backend.r2.share'])
    const fault = {fault: 'kill', target: 'r2', atMs: 3000, ttdMs: 50, failed: 2, hidden: 0, ttrMs: 2000}
    a.failover = [fault]
    b.failover = [{...fault, failed: 40, ttdMs: 2100}]
    const rows = compare(b, a).rows
    assert.equal(row(rows, 'failover.failed').regression, true)
    assert.equal(row(rows, 'failover.ttd').regression, true)
    assert.equal(row(rows, 'failover.ttr').delta, 0)
    assert.equal(row(rows, 'failover.ttr').regression, false)
  })
})

describe('baseline mismatches', () => {
  test('another scenario hash is exit 2 unless --force, which warns instead', () => {
    const baseline = synthetic({rps: 2000})
    assert.equal(checkBaselineScenario(baseline, baseline.meta.scenarioHash, 'b.json', false), undefined)
    assert.throws(() => checkBaselineScenario(baseline, 'sha256:0123456789abcdef', 'b.json', false), (e: unknown) => {
      assert.ok(e instanceof UsageError)
      assert.equal(e.exitCode, 2)
      assert.equal(e.message, 'b.json: the baseline was made from another scenario (hash 3f1c2a9e8b7d; this run\'s is 0123456789ab); use --force to compare anyway')
      return true
    })
    assert.match(checkBaselineScenario(baseline, 'sha256:0123456789abcdef', 'b.json', true)!, /another scenario .* compared anyway \(--force\)/)
  })

  test('another environment fingerprint is a warning, carried in the comparison', () => {
    const a = synthetic({rps: 2000})
    const b = synthetic({rps: 2000})
    assert.deepEqual(fingerprintWarnings(a, b), [])
    b.meta.environment = {...b.meta.environment, node: 'v22.1.0', cores: 8, balancerVersion: 'nginx/1.22.1'}
    const w = fingerprintWarnings(a, b)
    assert.equal(w.length, 1)
    assert.match(w[0], /cores 2 → 8, node v20\.19\.0 → v22\.1\.0, balancer unknown → nginx\/1\.22\.1/)
    assert.deepEqual(compare(b, a).warnings, w)
  })

  test('--tolerance', () => {
    assert.equal(parseTolerance(undefined), 0.1)
    assert.equal(parseTolerance('10%'), 0.1)
    assert.equal(parseTolerance('2.5%'), 0.025)
    assert.equal(parseTolerance('0.2'), 0.2)
    for (const bad of ['ten', '-5%', '2', '']) assert.throws(() => parseTolerance(bad), UsageError, bad)
  })
})

describe('noise tests', () => {
  test("Student's t: two-sided p of known quantiles", () => {
    assert.ok(Math.abs(studentTwoSidedP(2.228, 10) - 0.05) < 5e-4)
    assert.ok(Math.abs(studentTwoSidedP(1.96, 1e6) - 0.05) < 5e-4)
    assert.ok(Math.abs(studentTwoSidedP(0, 5) - 1) < 1e-12)
    assert.ok(Math.abs(studentTwoSidedP(12.706, 1) - 0.05) < 5e-4)
  })

  test('Welch and the bootstrap need 3 seconds a side; equal constant runs are no change', () => {
    assert.equal(welch([1, 2], [5, 6, 7]).significant, false)
    assert.match(welch([1, 2], [5, 6, 7]).text, /too few seconds/)
    assert.equal(welch([5, 5, 5], [5, 5, 5]).significant, false)
    assert.equal(welch([5, 5, 5], [6, 6, 6]).significant, true)
    assert.equal(medianShift([1, 2], [1, 2, 3]).significant, false)
  })

  test('the bootstrap is repeatable and ignores a spiky second', () => {
    const base = [3000, 3100, 2950, 3050, 3020, 2980, 3010, 30_000]
    const cur = [3010, 3090, 2960, 3040, 3030, 2990, 45_000, 3000]
    assert.deepEqual(medianShift(base, cur), medianShift(base, cur))
    assert.equal(medianShift(base, cur).significant, false)
    assert.equal(medianShift(base, cur.map((x) => x * 1.5)).significant, true)
  })
})

test('too few seconds to judge noise is a warning, not a silent pass', () => {
  const b = compare(synthetic({rps: 1000, seconds: 2}), synthetic({rps: 2000, seconds: 2}))
  assert.equal(b.regressions, 0)
  assert.match(b.warnings.join('\n'), /too few measured seconds to estimate noise \(baseline 2, this run 2; at least 3 each\)/)
  assert.deepEqual(compare(synthetic({rps: 1000}), synthetic({rps: 1000})).warnings, [])
})
