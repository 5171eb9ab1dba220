// The Backends table's attempts column counts the balancer's attempts over the time its requests column
// counts answers in. The balancer counts in 100 ms buckets that do not line up with the load clock; these
// are the rules for the bucket a phase's edge cuts through, and the legend that says what the columns mean.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {attemptsInSpans} from '../../src/metrics/backends.js'
import type {AttemptBucket} from '../../src/model/balancer-stats.js'
import {backendsLegend} from '../../src/report/backends-legend.js'
import {renderHtml} from '../../src/report/html.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderTerminal} from '../../src/report/terminal.js'
import {sampleReport} from '../fixtures/sample-report.js'

/** Buckets from `start`, one every `every` ms, with these r1 counts (r2 always 1). */
function buckets(start: number, counts: number[], every = 100): AttemptBucket[] {
  return counts.map((n, i) => ({epochMs: start + i * every, attempts: {r1: n, r2: 1}, failed: {}}))
}

describe('attempts in the measured time, from 100 ms buckets', () => {
  test('whole buckets inside count whole; outside, not at all', () => {
    assert.deepEqual(attemptsInSpans(buckets(1000, [5, 6, 7, 8]), [{start: 1100, end: 1300}]), {r1: 13, r2: 2})
  })

  test('an open end takes everything on its side', () => {
    const all = buckets(1000, [5, 6, 7, 8])
    assert.deepEqual(attemptsInSpans(all, [{start: -Infinity, end: Infinity}]), {r1: 26, r2: 4})
    assert.deepEqual(attemptsInSpans(all, [{start: 1200, end: Infinity}]), {r1: 15, r2: 2})
  })

  test('in steady load, the bucket an edge cuts is split by time', () => {
    // 40 attempts per 100 ms throughout; the phase starts 30 ms into a bucket: 70 ms of it are inside.
    assert.equal(attemptsInSpans(buckets(1000, [40, 40, 40, 40]), [{start: 1130, end: 1400}]).r1, 28 + 80)
    // And ends 25 ms into one, with load after it.
    assert.equal(attemptsInSpans(buckets(1000, [40, 40, 40, 40]), [{start: 1000, end: 1225}]).r1, 80 + 10)
  })

  test('where the load starts or stops at the edge, the whole bucket is on the load side', () => {
    // Nothing before the phase: the attempts of the bucket it starts in are all the phase's.
    assert.equal(attemptsInSpans(buckets(1000, [0, 12, 40, 40]), [{start: 1190, end: 1400}]).r1, 12 + 80)
    // Nothing after the phase (the bucket after it is empty, or not listed at all).
    assert.equal(attemptsInSpans(buckets(1000, [40, 40, 9, 0]), [{start: 1000, end: 1201}]).r1, 89)
    assert.equal(attemptsInSpans(buckets(1000, [40, 40, 9]), [{start: 1000, end: 1201}]).r1, 89)
  })

  test('each side is weighted by its neighbour: a slow warm-up before a fast phase', () => {
    // 10 per 100 ms before, 90 after; the edge halves the bucket: 50 ms × 10 against 50 ms × 90.
    assert.equal(attemptsInSpans(buckets(1000, [10, 50, 90]), [{start: 1150, end: 1300}]).r1, 45 + 90)
  })

  test('a bucket closed late (the timer fired at 190 ms) is cut where it really ends', () => {
    const late = [...buckets(1000, [40]), ...buckets(1100, [76, 40], 190)]
    // The second bucket runs from 1100 to 1290: a phase from 1200 has 90 of its 190 ms.
    assert.equal(attemptsInSpans(late, [{start: 1200, end: Infinity}]).r1, 36 + 40)
  })

  test('a bucket between two measured phases is counted once', () => {
    const b = buckets(1000, [40, 30, 50])
    const spans = [
      {start: 1000, end: 1140},
      {start: 1140, end: 1300},
    ]
    assert.equal(attemptsInSpans(b, spans).r1, 120)
  })

  test('each backend is split by its own neighbours', () => {
    const b: AttemptBucket[] = [
      {epochMs: 0, attempts: {r1: 0, r2: 50}, failed: {}},
      {epochMs: 100, attempts: {r1: 20, r2: 50}, failed: {}},
      {epochMs: 200, attempts: {r1: 40, r2: 50}, failed: {}},
    ]
    // r1 had no load before the edge (all 20 are inside); r2 had steady load (half of its 50).
    assert.deepEqual(attemptsInSpans(b, [{start: 150, end: 300}]), {r1: 60, r2: 75})
  })
})

describe('the Backends legend says what requests and attempts count', () => {
  test('in every format, under the table, when there is an attempts column', () => {
    const r = sampleReport()
    const legend = backendsLegend(r)!
    assert.match(legend, /^requests: answers the clients got in the measured time · attempts: tries the balancer started in it, retries included\./)
    assert.ok(renderTerminal(r, {color: false, width: 100}).replace(/\n {2}/g, ' ').includes(legend), 'terminal')
    assert.ok(renderMarkdown(r).includes(`<sub>${legend}</sub>`), 'markdown')
    assert.ok(renderHtml(r).includes(legend.replace(/'/g, '&#39;')), 'html')
  })

  test('the cluster balancer counts what its workers served, over the whole run; no attempts column, no legend', () => {
    const r = sampleReport()
    r.scenario.balancer.kind = 'cluster'
    assert.match(backendsLegend(r)!, /attempts: requests each worker counted itself, over the whole run \(warm-up included\)$/)
    for (const b of r.backends) delete b.attempts
    assert.equal(backendsLegend(r), undefined)
    assert.doesNotMatch(renderMarkdown(r), /attempts/)
  })
})
