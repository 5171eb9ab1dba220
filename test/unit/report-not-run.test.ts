// A run that could not be carried out (exit 3) still has a report: marked not run (and aborted, for
// readers that know only that), carrying the error, with nothing measured. Built here by the run's own
// report builder from what such a run has: a timeline of its start-up and no sample at all; every format
// must render it, and the report schema must accept it.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {buildReport} from '../../src/run/build-report.js'
import {Timeline} from '../../src/run/timeline.js'
import {reportSchema} from '../../src/report/report-schema.js'
import {reportFormats} from '../../src/report/registry.js'
import {renderDocument} from '../../src/report/render-document.js'
import {sampleScenario} from '../fixtures/sample-report.js'

const message = 'replica r2 did not become ready: not ready after 1.0 s: a connection to port 4321 (ECONNREFUSED)\n  command: sleep 30'

function notRunReport() {
  const startedAt = new Date('2026-06-01T12:00:00Z')
  const timeline = new Timeline()
  timeline.t0 = startedAt.getTime()
  timeline.add('replica-ready', 'on port 1234', 'r1', startedAt.getTime() + 300)
  timeline.add('not-run', message.split('\n')[0], undefined, startedAt.getTime() + 1300)
  return buildReport({
    loaded: {scenario: sampleScenario(), file: 'scenario.yaml', hash: 'sha256:00'},
    startedAt,
    runDir: '/tmp/reports/x',
    samples: [],
    timeline,
    applied: [],
    generatorUsage: [],
    timing: 'actual-send',
    notRun: {message, hint: 'what the replicas and the balancer wrote is in /tmp/reports/x'},
  })
}

describe('a report of a run that could not be carried out', () => {
  test('is marked not run and aborted, carries the error, judges no threshold, and fits the schema', () => {
    const r = notRunReport()
    assert.equal(r.meta.notRun, true)
    assert.deepEqual(r.meta.error, {message, hint: 'what the replicas and the balancer wrote is in /tmp/reports/x'})
    assert.equal(r.meta.aborted, true)
    assert.equal(r.meta.abortReason, `the run could not be carried out: ${message.split('\n')[0]}`)
    assert.equal(r.pass, false)
    assert.equal(r.summary.requests.sent, 0)
    assert.deepEqual(r.series, [])
    assert.ok(r.thresholds.length > 0)
    for (const t of r.thresholds) assert.deepEqual({actual: t.actual, pass: t.pass, detail: t.detail}, {actual: null, pass: false, detail: 'not evaluated: the run could not be carried out'})
    assert.deepEqual(r.timeline.map((e) => [e.atMs, e.kind]), [[300, 'replica-ready'], [1300, 'not-run']])
    const parsed = reportSchema.safeParse(JSON.parse(JSON.stringify(r)))
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues))
  })

  test('every format renders it; no NaN, no figures that were never measured', async () => {
    const r = notRunReport()
    for (const format of reportFormats.names) {
      // The HTML's scripts (its chart library, the report's own JSON) are code, not what is shown.
      const text = (await renderDocument(r, format, {color: false})).replace(/<script[^]*?<\/script>/g, '')
      assert.ok(text.length > 0, format)
      assert.doesNotMatch(text, /NaN|undefined|Infinity/, format)
    }
    const terminal = await renderDocument(r, 'terminal', {color: false})
    assert.match(terminal, /^lbbench · failover {2}NOT RUN {2}/)
    assert.match(terminal, /^NOT RUN: the run could not be carried out \(exit 3\)/m)
    assert.match(terminal, /^ {2}replica r2 did not become ready: .*\n {4}command: sleep 30$/m)
    assert.match(terminal, /^NOT RUN {2}replica r2 did not become ready: not ready after 1\.0 s: .*\(ECONNREFUSED\)\n$/m)
    for (const figure of ['Requests', 'Latency', 'Backends', 'Fairness', 'Per second']) assert.ok(!terminal.includes(figure), figure)
    assert.doesNotMatch(terminal, /\d+ m?s measured/)
    const markdown = await renderDocument(r, 'markdown', {color: false})
    assert.match(markdown, /^## ⛔ NOT RUN · lbbench: failover\n/)
    assert.match(markdown, /```text\nreplica r2 did not become ready: [^\n]*\n {2}command: sleep 30\n```/)
    assert.ok(!markdown.includes('### Summary'))
    const junit = await renderDocument(r, 'junit', {color: false})
    assert.match(junit, /failures="[1-9]/, 'the CI test report fails')
  })
})
