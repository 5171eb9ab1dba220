import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {bestOf, compareRows, deltasAgainstFirst, meanSeries, spreadOf} from '../../src/metrics/compare.js'
import {renderComparisonMarkdown, renderComparisonTerminal, subjectHeading, type Comparison} from '../../src/report/comparison.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'
import {sampleReport} from '../fixtures/sample-report.js'

/** The sample comparison with one run per subject. */
function oneRunEach(): Comparison {
  const c = sampleComparison()
  for (const s of c.subjects) s.reports = s.reports.slice(0, 1)
  return c
}

describe('comparison figures', () => {
  test('spread is the mean and range of the runs', () => {
    assert.deepEqual(spreadOf([1, 2, 6]), {mean: 3, min: 1, max: 6, n: 3})
    assert.equal(spreadOf([]), null)
  })

  test('best subject, and whether its lead is beyond the spread', () => {
    const s = (min: number, max: number, n = 3) => ({mean: (min + max) / 2, min, max, n})
    // Lower is better, ranges apart: clear.
    assert.deepEqual(bestOf([s(10, 12), s(13, 15)], 'lower'), {best: 0, clear: true})
    // Ranges overlap: best mean, not clear.
    assert.deepEqual(bestOf([s(10, 14), s(13, 15)], 'lower'), {best: 0, clear: false})
    // Higher is better.
    assert.deepEqual(bestOf([s(10, 12), s(13, 15)], 'higher'), {best: 1, clear: true})
    // One run each: a best, but no spread to judge by.
    assert.deepEqual(bestOf([s(10, 10, 1), s(13, 13, 1)], 'lower'), {best: 0, clear: null})
    // All equal, a missing value, or no direction: nobody is best.
    assert.deepEqual(bestOf([s(10, 10), s(10, 10)], 'lower'), {best: null, clear: null})
    assert.deepEqual(bestOf([s(10, 12), null], 'lower'), {best: null, clear: null})
    assert.deepEqual(bestOf([s(10, 12), s(13, 15)], 'none'), {best: null, clear: null})
  })

  test('rows from reports', () => {
    const c = sampleComparison()
    const rows = compareRows(c.subjects)
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]))
    assert.deepEqual(rows.map((r) => r.key), [
      'throughput.rps', 'latency.p50', 'latency.p99', 'latency.p999', 'requests.failed', 'errors.rate', 'fairness.jain',
      'backend.r1.share', 'backend.r2.share', 'backend.r3.share', 'backend.r4.share', 'failover.ttd', 'failover.failed',
      'balancer.cpu', 'generator.cpu',
    ])
    const rps = c.subjects.map((s) => s.reports.map((r) => r.summary.throughput.rps))
    assert.equal(byKey['throughput.rps'].values[0]?.min, Math.min(...rps[0]))
    assert.equal(byKey['throughput.rps'].values[1]?.max, Math.max(...rps[1]))
    assert.equal(byKey['throughput.rps'].best, 1)
    assert.equal(byKey['throughput.rps'].clear, true)
    assert.deepEqual(byKey['failover.failed'].values.map((v) => v?.mean), [3, 1])
    assert.equal(byKey['failover.failed'].best, 1)
    // Equal everywhere: no best.
    assert.equal(byKey['failover.ttd'].best, null)
    assert.equal(byKey['backend.r1.share'].better, 'none')
  })

  test('mean per-second series across runs, aligned on t', () => {
    const a = sampleReport({seed: 1})
    const b = sampleReport({seed: 2})
    const m = meanSeries([a, b], (p) => p.completed)
    assert.equal(m.length, 10)
    assert.equal(m[3].tMs, 3000)
    assert.equal(m[3].value, (a.series[3].completed + b.series[3].completed) / 2)
  })

  test("each subject's change against the first subject, in percent", () => {
    const s = (mean: number) => ({mean, min: mean, max: mean, n: 1})
    assert.deepEqual(deltasAgainstFirst([s(200), s(250), null, s(150)]), [null, 25, null, -25])
    // Against 0 there is no relative change; against a negative mean the sign still says up or down.
    assert.deepEqual(deltasAgainstFirst([s(0), s(3), s(0)]), [null, null, 0])
    assert.deepEqual(deltasAgainstFirst([s(-10), s(-5)]), [null, 50])
    for (const row of compareRows(sampleComparison().subjects)) {
      const [a, b] = row.values
      assert.equal(row.deltaPct?.[0], null, row.key)
      assert.equal(row.deltaPct?.[1], a && b && a.mean !== 0 ? ((b.mean - a.mean) / Math.abs(a.mean)) * 100 : a?.mean === 0 && b?.mean === 0 ? 0 : null, row.key)
    }
  })
})

describe('comparison views', () => {
  test('a subject is named once, with what its label leaves out', () => {
    const r = [sampleReport()]
    assert.equal(subjectHeading({label: 'round-robin', balancer: 'builtin', strategy: 'round-robin', reports: r}), 'round-robin on builtin')
    assert.equal(subjectHeading({label: 'nginx', balancer: 'nginx', strategy: 'round-robin', reports: r}), 'nginx with round-robin')
    assert.equal(subjectHeading({label: 'nginx/p2c', balancer: 'nginx', strategy: 'p2c', reports: r}), 'nginx/p2c')
    assert.equal(subjectHeading({label: 'none', balancer: 'none', reports: r}), 'none')
    // A saved comparison without the fields: the first run's balancer, as reports name it.
    assert.equal(subjectHeading({label: 'a', reports: r}), 'a — built-in proxy (round-robin)')
  })

  test('terminal: no legend letters, req/s written one way, a change against the first subject on every row', () => {
    const out = renderComparisonTerminal(oneRunEach(), {color: false})
    assert.match(out, /^ {2}round-robin on builtin: FAIL\n {2}least-connections on builtin: FAIL$/m)
    assert.doesNotMatch(out, /^ +[A-Z] {2}\S/m, 'no letter that nothing refers to')
    const figures = [...out.matchAll(/(\S+) req\/s/g)].map((m) => m[1])
    assert.ok(figures.length >= 2, out)
    for (const f of figures) assert.match(f, /^\d{1,3}(,\d{3})*\.\d$/, `req/s as 2,150.7, not ${f}`)
    const rule = out.split('\n').findIndex((l) => /^ +─+$/.test(l))
    const rows = out.split('\n').slice(rule + 1).filter((l) => /^ {3}\S/.test(l))
    assert.equal(rows.length, compareRows(oneRunEach().subjects).length)
    for (const row of rows) assert.match(row, /\s(?:[+-][\d,]+\.\d|0\.0)%(?: [★☆])?\s*$/, row)
    assert.match(out, /\+x% is the change of the mean against round-robin, the first subject/)
    assert.match(out, /throughput \(req\/s\) +1,975\.1 +2,243\.9 \+13\.6% ★/)
  })

  test('Markdown: the change against the first subject in every row', () => {
    const md = renderComparisonMarkdown(oneRunEach())
    const rows = md.split('\n').filter((l) => /^\| (?!metric|subject|---|round|least)/.test(l))
    assert.equal(rows.length, compareRows(oneRunEach().subjects).length)
    for (const row of rows) assert.match(row.split(' | ')[2], /(?:[+-][\d,]+\.\d|0\.0)%$/, row)
    assert.match(md, /\| throughput \(req\/s\) \| 1,975\.1 \| \*\*2,243\.9\*\* \+13\.6% \|/)
    // No relative change from nothing: said so, not left blank.
    const c = oneRunEach()
    c.subjects[0].reports[0].summary.requests.failed = 0
    assert.match(renderComparisonMarkdown(c), /^\| failed requests \| \*\*0\*\* \| 1 from 0 \|/m)
  })
})
