import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {renderTerminal} from '../../src/report/terminal.js'
import {renderComparisonTerminal} from '../../src/report/comparison.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'

// eslint-disable-next-line no-control-regex -- a colour code starts with the escape character
const ANSI = /\u001b\[/

describe('terminal report', () => {
  test('without colour: no escape code, even with FORCE_COLOR set (cli-table3 would colour borders)', () => {
    const saved = process.env.FORCE_COLOR
    process.env.FORCE_COLOR = '3'
    try {
      const out = renderTerminal(sampleReport(), {color: false})
      assert.doesNotMatch(out, ANSI)
      assert.doesNotMatch(renderComparisonTerminal(sampleComparison(), {color: false}), ANSI)
    } finally {
      if (saved === undefined) delete process.env.FORCE_COLOR
      else process.env.FORCE_COLOR = saved
    }
  })

  test('with colour: escape codes', () => {
    assert.match(renderTerminal(sampleReport(), {color: true}), ANSI)
  })

  test('holds the key figures', () => {
    const r = sampleReport()
    const out = renderTerminal(r, {color: false})
    const sent = r.summary.requests.sent.toLocaleString('en-US')
    for (const expected of [
      'lbbench · failover  FAIL',
      'built-in proxy (round-robin) · 4 replicas (cluster)',
      `sent ${sent}`,
      'failed 3',
      'connect 0 · reset 3 · timeout 0 · non-2xx 0 · lost 0',
      `${(r.summary.latencyUs.p99 / 1000).toFixed(3)} ms`,
      `n = ${r.summary.latencyUs.count.toLocaleString('en-US')}`,
      'killed t=3.0s, down t=3.0s,',
      'ready t=7.1s',
      'Jain ',
      'over r1, r3, r4',
      'kill   r2      t=3.0s',
      '▲ kill r2',
      '▲ restart r2',
      'r2 ready, r2 up',
      '✘  failover.failed == 0',
      '✔  latency.p99 < 50ms',
      'FAIL  1 of 4 thresholds failed: failover.failed == 0 (3)',
    ]) assert.ok(out.includes(expected), `missing: ${expected}\n${out}`)
    // One per-second row per second, 0s … 9s.
    for (let s = 0; s < 10; s++) assert.match(out, new RegExp(`^ +${s}s +[\\d,]+ `, 'm'))
    // The chart: a fault tick under seconds 3 and 6, a health tick under 7.
    const ticks = out.split('\n').find((l) => /^ +\^/.test(l))
    assert.equal(ticks, '          ^  ^*')
  })

  test('fits 100 columns', () => {
    for (const out of [renderTerminal(sampleReport(), {color: false}), renderComparisonTerminal(sampleComparison(), {color: false})]) {
      const widest = Math.max(...out.split('\n').map((l) => [...l].length))
      assert.ok(widest <= 100, `a line is ${widest} columns wide`)
    }
  })

  test('aborted and saturated runs say so, a passing run says PASS', () => {
    const r = sampleReport({failedOnKill: 0})
    assert.match(renderTerminal(r, {color: false}), /^PASS {2}all 4 thresholds held$/m)
    r.meta.aborted = true
    r.meta.abortReason = 'interrupted by SIGINT'
    r.meta.generator.saturated = true
    r.pass = false
    const out = renderTerminal(r, {color: false})
    assert.match(out, /^ABORTED: interrupted by SIGINT/m)
    assert.match(out, /^SATURATED GENERATOR/m)
    assert.match(out, /^FAIL {2}run aborted \(interrupted by SIGINT\) · load generator saturated$/m)
  })

  test('several proxy workers: how many, and whether they shared their health state (meta.proxy.state)', () => {
    const r = sampleReport()
    const line = () => renderTerminal(r, {color: false}).split('\n')[1]
    assert.match(line(), /^built-in proxy \(round-robin\) · /, 'one process: nothing to say')
    r.scenario.balancer.workers = 2
    r.meta.proxy = {cpuPct: 90, workers: 2, state: 'per-worker'}
    assert.match(line(), /^built-in proxy \(round-robin, 2 workers, per-worker state\) · /)
    r.meta.proxy.state = 'shared'
    assert.match(line(), /^built-in proxy \(round-robin, 2 workers, shared health state\) · /)
    delete r.meta.proxy
    r.scenario.balancer.sharedState = true
    assert.match(line(), /^built-in proxy \(round-robin, 2 workers, shared health state\) · /, 'without meta.proxy, from the scenario')
  })

  test('a long run groups seconds so the table stays short', () => {
    const r = sampleReport()
    const base = r.series
    r.series = Array.from({length: 150}, (_, i) => ({...base[i % 10], tMs: i * 1000}))
    const out = renderTerminal(r, {color: false})
    assert.match(out, /Per second \(3 s per row/)
    assert.ok(out.split('\n').length < 120)
  })

  test('open connections: a conns column when the count changed (the fewest of a row\'s seconds), none when it held', () => {
    const r = sampleReport()
    // The table's rows (the sparklines' time axis also starts with `0s`).
    const rows = (out: string) => out.split('\n').filter((l) => /^ +\d+s +[\d,]+ /.test(l)).map((l) => l.trim().split(/ +/))
    r.series.forEach((p, i) => (p.openConnections = i === 3 ? 7 : 8))
    const out = renderTerminal(r, {color: false, width: 200})
    const head = out.split('\n').find((l) => /^ +t +sent /.test(l))!.replace('p99 ms', 'p99').trim().split(/ +/)
    const at = head.indexOf('conns')
    assert.equal(head[at - 1], 'p99', 'after p99 ms')
    assert.deepEqual(rows(out).map((row) => row[at]), r.series.map((_, i) => (i === 3 ? '7' : '8')))
    r.series = Array.from({length: 150}, (_, i) => ({...r.series[i % 10], tMs: i * 1000, openConnections: i === 4 ? 5 : 8}))
    assert.deepEqual(rows(renderTerminal(r, {color: false, width: 200})).slice(0, 3).map((row) => row[at]), ['8', '5', '8'], 'seconds 3-5 share a row')
    r.series.forEach((p) => (p.openConnections = 8))
    assert.doesNotMatch(renderTerminal(r, {color: false, width: 200}), /conns/)
  })
})
