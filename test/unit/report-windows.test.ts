// Window thresholds in every output: each renderer's threshold row names the worst window and how many
// windows broke the threshold; a report without window thresholds reads as before (the golden files).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {renderTerminal} from '../../src/report/terminal.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderJunit} from '../../src/report/junit.js'
import {renderHtml} from '../../src/report/html.js'
import {reportSchema} from '../../src/report/report-schema.js'
import {sampleReport} from '../fixtures/sample-report.js'

function withWindows() {
  const r = sampleReport()
  r.thresholds.push(
    {expr: 'errors.rate[window=2s] < 1%', actual: 0.025, pass: false, worstWindow: {startMs: 3000, endMs: 5000, windows: 9, failed: 2}},
    {expr: 'latency.p99[steady, window=5s] < 50ms', actual: 6100, pass: true, worstWindow: {startMs: 2000, endMs: 7000, windows: 6, failed: 0}},
  )
  return r
}

describe('window thresholds in the reports', () => {
  test('terminal: the worst window beside the actual value, and in the verdict', () => {
    const out = renderTerminal(withWindows(), {color: false})
    assert.match(out, /✘ {2}errors\.rate\[window=2s\] < 1% +2\.50% {2}worst window t=3–5s \(2 of 9 windows failed\)/)
    assert.match(out, /✔ {2}latency\.p99\[steady, window=5s\] < 50ms +6\.100 ms {2}worst window t=2–7s \(0 of 6 windows failed\)/)
    assert.match(out, /^FAIL {2}2 of 6 thresholds failed: failover\.failed == 0 \(3\), errors\.rate\[window=2s\] < 1% \(2\.50% at t=3–5s\)$/m)
  })

  test('Markdown: a worst-window column, only when a threshold has windows', () => {
    const md = renderMarkdown(withWindows())
    assert.match(md, /^\| {2}\| threshold \| actual \| worst window \|$/m)
    assert.match(md, /^\| ❌ \| `errors\.rate\[window=2s\] < 1%` \| 2\.50% \| t=3–5s \(2 of 9 windows failed\) \|$/m)
    assert.match(md, /^\| ✅ \| `latency\.p99 < 50ms` \| [\d.]+ ms \| – \|$/m)
    assert.doesNotMatch(renderMarkdown(sampleReport()), /worst window/)
  })

  test('JUnit: the failure names the worst window', () => {
    const xml = renderJunit(withWindows())
    assert.match(xml, /<failure message="expected errors\.rate\[window=2s\] &lt; 1%, actual 2\.50% in the worst window, t=3–5s \(2 of 9 windows failed\)"/)
    assert.match(xml, /worst window: t=3–5s \(2 of 9 windows failed\)<\/failure>/)
  })

  test('HTML: a worst-window column', () => {
    const html = renderHtml(withWindows())
    assert.match(html, /<th>worst window<\/th>/)
    assert.match(html, /<td>t=3–5s \(2 of 9 windows failed\)<\/td>/)
  })

  test('the report schema takes the worst window, and a report without one (v1 as before)', () => {
    assert.equal(reportSchema.safeParse(withWindows()).success, true)
    assert.equal(reportSchema.safeParse(sampleReport()).success, true)
    const bad = withWindows()
    bad.thresholds.at(-1)!.worstWindow!.windows = -1
    assert.equal(reportSchema.safeParse(bad).success, false)
  })
})
