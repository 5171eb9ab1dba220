// A report merged from shards (lbbench merge) in every format: the same Shards table (shard, host,
// requests, CPU, saturated, late, clock offset) and notes (skew bound, a shard that stopped early, the
// missing ones) in the terminal, Markdown and HTML reports; in JUnit the shards as properties and
// system-out lines, and each shard missing from a --partial merge as a skipped test case.

import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {Report} from '../../src/model/report.js'
import {renderHtml} from '../../src/report/html.js'
import {renderJunit} from '../../src/report/junit.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderTerminal} from '../../src/report/terminal.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {findAll, parseXml} from '../fixtures/xml-check.js'

/** Shards 0 and 1 of 3 merged with --partial: shard 1 saturated with an unknown clock offset, shard 2 missing. */
function mergedReport(missing: number[] = [2]): Report {
  const r = sampleReport()
  r.meta.generator = {
    ...r.meta.generator,
    shards: [
      {index: 0, host: 'gen-1', requests: 9_870, cpuPct: 41.25, saturated: false, lateMs: 3, clockOffsetMs: 0.4},
      {index: 1, host: 'gen-<2>', requests: 9_869, cpuPct: 97, saturated: true, lateMs: 120, clockOffsetMs: null},
    ],
    skewBoundMs: 170,
    clockOffsetsKnown: false,
    ...(missing.length > 0 ? {missing} : {}),
  }
  return r
}

const notes = [
  'start skew: per-second figures and times to detect may be off by up to 170.0 ms (clock offsets not known everywhere: run chrony on every machine to bound them)',
  'PARTIAL: shard 2 of 3 missing; the figures cover the others only',
]

describe('the Shards section', () => {
  test('terminal and Markdown: one row a shard, the skew bound and the missing shard under it', () => {
    const text = renderTerminal(mergedReport(), {color: false, width: 120}).split('\n').map((l) => l.trim())
    const at = text.indexOf('Shards')
    assert.deepEqual(text[at + 1].split(/\s{2,}/), ['shard', 'host', 'requests', 'CPU', 'saturated', 'late', 'clock offset'])
    assert.deepEqual(text[at + 4].split(/\s{2,}/), ['1', 'gen-<2>', '9,869', '97.0%', 'SATURATED', '120.0 ms', 'unknown'])
    assert.deepEqual(text.slice(at + 5, at + 7), notes)
    const md = renderMarkdown(mergedReport()).split('\n')
    const mdAt = md.indexOf('### Shards')
    assert.deepEqual(md.slice(mdAt + 2, mdAt + 9), [
      '| shard | host | requests | CPU | saturated | late | clock offset |',
      '|---|--:|--:|--:|--:|--:|--:|',
      '| 0 | gen-1 | 9,870 | 41.3% | no | 3.0 ms | 0.4 ms |',
      '| 1 | gen-&lt;2&gt; | 9,869 | 97.0% | SATURATED | 120.0 ms | unknown |',
      '',
      ...notes,
    ])
  })

  test('HTML: the Markdown columns, rows and notes, before the Backends table', () => {
    const html = renderHtml(mergedReport())
    const section = /<h2>Shards<\/h2>(.*?)<h2>Backends<\/h2>/s.exec(html)![1]
    const num = (tag: string, cells: string[]) => cells.map((c, i) => `<${tag}${i === 1 || i === 4 ? '' : ' class="num"'}>${c}</${tag}>`).join('')
    assert.equal(section, [
      `<table class="shards"><thead><tr>${num('th', ['shard', 'host', 'requests', 'CPU', 'saturated', 'late', 'clock offset'])}</tr></thead><tbody>`,
      `<tr>${num('td', ['0', 'gen-1', '9,870', '41.3%', 'no', '3.0 ms', '0.4 ms'])}</tr>`,
      `<tr>${num('td', ['1', 'gen-&lt;2&gt;', '9,869', '97.0%', 'SATURATED', '120.0 ms', 'unknown'])}</tr>`,
      `</tbody></table>${notes.map((n) => `<p class="muted">${n}</p>`).join('')}`,
    ].join('\n') + '\n')
    assert.doesNotMatch(renderHtml(sampleReport()), /<h2>Shards<\/h2>/, 'a run that was not merged has none')
  })

  test('JUnit: the shards as properties and system-out, the missing one a skipped test case', () => {
    const root = parseXml(renderJunit(mergedReport()))
    const suite = findAll(root, 'testsuite')[0]
    assert.deepEqual([suite.attrs.tests, suite.attrs.failures, suite.attrs.skipped], ['5', '1', '1'])
    const props = findAll(root, 'property').map((p) => [p.attrs.name, p.attrs.value])
    assert.deepEqual(props.slice(props.findIndex(([k]) => k === 'shards')), [
      ['shards', '2'], ['shards.of', '3'], ['shards.missing', '2'], ['shards.skewBoundMs', '170'],
      ['shard.0.host', 'gen-1'], ['shard.0.requests', '9870'], ['shard.0.cpuPct', '41.25'], ['shard.0.saturated', 'false'], ['shard.0.lateMs', '3'], ['shard.0.clockOffsetMs', '0.4'],
      ['shard.1.host', 'gen-<2>'], ['shard.1.requests', '9869'], ['shard.1.cpuPct', '97'], ['shard.1.saturated', 'true'], ['shard.1.lateMs', '120'], ['shard.1.clockOffsetMs', 'unknown'],
    ])
    const missing = findAll(root, 'testcase').at(-1)!
    assert.deepEqual([missing.attrs.name, missing.attrs.classname], ['shard 2', 'lbbench.failover.shards'])
    assert.deepEqual(findAll(missing, 'skipped').map((s) => s.attrs.message), ['shard 2 of 3 missing (lbbench merge --partial): the figures cover the other shards only'])
    assert.equal(findAll(root, 'failure').length, 1, 'a missing shard is not a failure')
    assert.deepEqual(findAll(root, 'system-out')[0].text.split('\n').slice(1), [
      'shard 0: host gen-1 · requests 9,870 · CPU 41.3% · saturated no · late 3.0 ms · clock offset 0.4 ms',
      'shard 1: host gen-<2> · requests 9,869 · CPU 97.0% · saturated SATURATED · late 120.0 ms · clock offset unknown',
      ...notes,
    ])
  })

  test('JUnit: every shard there, nothing skipped; a run that was not merged has no shard property', () => {
    const root = parseXml(renderJunit(mergedReport([])))
    assert.equal(findAll(root, 'testsuite')[0].attrs.skipped, '0')
    assert.equal(findAll(root, 'skipped').length, 0)
    const names = findAll(root, 'property').map((p) => p.attrs.name)
    assert.ok(names.includes('shards.of') && !names.includes('shards.missing'), names.join(' '))
    const plain = parseXml(renderJunit(sampleReport()))
    assert.equal(findAll(plain, 'property').filter((p) => p.attrs.name.startsWith('shard')).length, 0)
    assert.equal(findAll(plain, 'system-out')[0].text.split('\n').length, 1)
  })
})
