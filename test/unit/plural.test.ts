// Counts in sentences read right for one: `the 1 threshold held`, `1 replica`, `1 error`.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {plural} from '../../src/model/plural.js'
import {renderTerminal} from '../../src/report/terminal.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderHtml} from '../../src/report/html.js'
import {describeScenario} from '../../src/scenario/describe.js'
import {sampleReport} from '../fixtures/sample-report.js'

describe('plural', () => {
  test('singular for exactly one, plural otherwise; the count may be given as written', () => {
    assert.equal(plural(1, 'threshold'), '1 threshold')
    assert.equal(plural(0, 'threshold'), '0 thresholds')
    assert.equal(plural(3, 'replica'), '3 replicas')
    assert.equal(plural(1200, 'error', '1,200'), '1,200 errors')
  })
})

describe('one of a kind in the reports', () => {
  const one = () => {
    const r = sampleReport({failedOnKill: 0})
    r.thresholds = r.thresholds.slice(0, 1)
    r.scenario.replicas.count = 1
    return r
  }
  test('terminal: the 1 threshold held, the 1 threshold failed, 1 replica', () => {
    const r = one()
    const out = renderTerminal(r, {color: false})
    assert.match(out, /^PASS {2}the 1 threshold held$/m)
    assert.match(out, / · 1 replica \(cluster\) · /)
    r.thresholds[0].pass = false
    r.pass = false
    assert.match(renderTerminal(r, {color: false}), /^FAIL {2}the 1 threshold failed: /m)
  })
  test('several still read as before', () => {
    const r = sampleReport({failedOnKill: 0})
    assert.match(renderTerminal(r, {color: false}), /^PASS {2}all 4 thresholds held$/m)
    assert.match(renderTerminal(sampleReport(), {color: false}), /^FAIL {2}1 of 4 thresholds failed: /m)
  })
  test('Markdown, HTML and validate say 1 replica', () => {
    const r = one()
    assert.match(renderMarkdown(r), / · 1 replica \(cluster\) · /)
    assert.match(renderHtml(r), / · 1 replica \(cluster\) · /)
    assert.match(describeScenario(r.scenario), /^failover: 1 cluster replica, /)
  })
})
