// Golden files for the Markdown and JUnit outputs of the sample report. After an intended change:
// UPDATE_GOLDEN=1 node scripts/test.mjs report-golden, then read the diff before committing.

import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync, mkdirSync, existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderJunit, renderComparisonJunit, xmlEscape} from '../../src/report/junit.js'
import {renderComparisonMarkdown} from '../../src/report/comparison.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'
import {parseXml, findAll} from '../fixtures/xml-check.js'

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden')

function golden(name: string, actual: string): void {
  const file = join(goldenDir, name)
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.CI && !existsSync(file)) assert.fail(`golden file ${name} is missing (run with UPDATE_GOLDEN=1)`)
    mkdirSync(goldenDir, {recursive: true})
    writeFileSync(file, actual)
    return
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 to accept)`)
}

// eslint-disable-next-line no-control-regex -- a colour code starts with the escape character
const ANSI = /\u001b\[/

describe('markdown', () => {
  test('matches the golden file', () => golden('report.md', renderMarkdown(sampleReport())))
  test('comparison matches the golden file', () => golden('comparison.md', renderComparisonMarkdown(sampleComparison())))
  test('title line, tables, collapsed per-second view, no ANSI', () => {
    const md = renderMarkdown(sampleReport())
    assert.equal(md.split('\n')[0], '## ❌ FAIL · lbbench: failover')
    for (const h of ['### Summary', '### Latency', '### Backends', '### Failover', '### Thresholds', '<details><summary>Per second</summary>', '</details>']) {
      assert.ok(md.includes(h), h)
    }
    assert.match(md, /\| ❌ \| `failover\.failed == 0` \| 3 \|/)
    assert.match(md, /\| ✅ \| `latency\.p99 < 50ms` \|/)
    assert.doesNotMatch(md, ANSI)
    assert.equal(renderMarkdown(sampleReport({failedOnKill: 0})).split('\n')[0], '## ✅ PASS · lbbench: failover')
  })
  test('pipes in values do not break a table', () => {
    const r = sampleReport()
    r.thresholds[0].expr = 'errors.rate < 1% | odd'
    r.backends[0].events.push({atMs: 1000, state: 'a|b'})
    const md = renderMarkdown(r)
    assert.ok(md.includes('`errors.rate < 1% \\| odd`'))
    assert.ok(md.includes('a\\|b t=1.0s'))
  })
})

describe('junit', () => {
  test('matches the golden file', () => golden('report.junit.xml', renderJunit(sampleReport())))

  test('well-formed, one test case per threshold, the failing one with expected and actual', () => {
    const r = sampleReport()
    const root = parseXml(renderJunit(r))
    assert.equal(root.name, 'testsuites')
    const suites = findAll(root, 'testsuite')
    assert.equal(suites.length, 1)
    assert.equal(suites[0].attrs.name, 'lbbench.failover')
    assert.equal(suites[0].attrs.tests, '4')
    assert.equal(suites[0].attrs.failures, '1')
    const cases = findAll(root, 'testcase')
    assert.deepEqual(cases.map((c) => c.attrs.name), r.thresholds.map((t) => t.expr))
    const failures = findAll(root, 'failure')
    assert.equal(failures.length, 1)
    assert.equal(failures[0].attrs.message, 'expected failover.failed == 0, actual 3')
    const props = Object.fromEntries(findAll(root, 'property').map((p) => [p.attrs.name, p.attrs.value]))
    assert.equal(props['requests.failed'], '3')
    assert.equal(props['requests.sent'], String(r.summary.requests.sent))
  })

  test('escapes what XML needs escaped', () => {
    assert.equal(xmlEscape(`a<b>&"c'\u0001`), 'a&lt;b&gt;&amp;&quot;c&apos;')
    const r = sampleReport()
    r.scenario.name = 'odd<&>"name'
    r.thresholds[0].expr = 'latency.p99 < 5ms && "x"'
    r.thresholds[0].pass = false
    const root = parseXml(renderJunit(r))
    assert.equal(findAll(root, 'testsuite')[0].attrs.name, 'lbbench.odd<&>"name')
    assert.equal(findAll(root, 'testcase')[0].attrs.name, 'latency.p99 < 5ms && "x"')
  })

  test('no thresholds: one test case, failing only when the run was aborted', () => {
    const r = sampleReport()
    r.thresholds = []
    let root = parseXml(renderJunit(r))
    assert.deepEqual(findAll(root, 'testcase').map((c) => c.attrs.name), ['run completed'])
    assert.equal(findAll(root, 'failure').length, 0)
    r.meta.aborted = true
    r.meta.abortReason = 'interrupted by SIGINT'
    root = parseXml(renderJunit(r))
    assert.equal(findAll(root, 'failure')[0].attrs.message, 'run aborted: interrupted by SIGINT')
  })

  test('a comparison: one suite per run', () => {
    const root = parseXml(renderComparisonJunit(sampleComparison()))
    const names = findAll(root, 'testsuite').map((s) => s.attrs.name)
    assert.equal(names.length, 6)
    assert.equal(names[0], 'lbbench.failover.round-robin.run1')
  })

  test('a comparison: CI reporters cannot merge the subjects, every test case is unique by classname and name', () => {
    const oneRunEach = sampleComparison()
    for (const s of oneRunEach.subjects) s.reports = s.reports.slice(0, 1)
    for (const c of [sampleComparison(), oneRunEach]) {
      const root = parseXml(renderComparisonJunit(c))
      const keys = findAll(root, 'testcase').map((t) => `${t.attrs.classname} ${t.attrs.name}`)
      assert.equal(new Set(keys).size, keys.length, keys.join('\n'))
      for (const suite of findAll(root, 'testsuite')) {
        const label = /^lbbench\.failover\.([a-z-]+)/.exec(suite.attrs.name)![1]
        for (const t of findAll(suite, 'testcase')) {
          assert.equal(t.attrs.classname, suite.attrs.name)
          assert.ok(t.attrs.name.startsWith(label), t.attrs.name)
        }
      }
    }
    const names = findAll(parseXml(renderComparisonJunit(oneRunEach)), 'testcase').map((t) => t.attrs.name)
    const exprs = oneRunEach.subjects[0].reports[0].thresholds.map((t) => t.expr)
    assert.deepEqual(names.slice(0, exprs.length), exprs.map((e) => `round-robin: ${e}`))
    assert.match(renderComparisonJunit(sampleComparison()), /name="least-connections run 3: /)
  })
})
