// Requests in flight when a phase stops are cut off against the second they were sent in. A property
// test over random runs (clients that send in some seconds and hang for several, then a stop, with one
// generator or two merged): every second of the series has a `sent` of at least 0, and the seconds add
// up to the summary's total.

import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {AcClient} from '../../src/load/generator/autocannon-client.js'
import {countCutOff} from '../../src/load/generator/cut-offs.js'
import {recordingListeners} from '../../src/load/generator/recording.js'
import {SecondCounts} from '../../src/load/generator/second-counts.js'
import {mergeSamples} from '../../src/metrics/merge-samples.js'
import {buildSeries} from '../../src/metrics/series.js'
import {addToTally, emptyTally, figuresOf} from '../../src/metrics/summary.js'
import type {Sample} from '../../src/model/generator-messages.js'
import {seededRandom, type Random} from '../../src/model/random.js'

interface Client {
  ac: AcClient
  /** The second its request in flight is answered in (Infinity: never). */
  answerAt: number
  inFlight: number
}

function client(): Client {
  const c: Client = {ac: undefined as unknown as AcClient, answerAt: 0, inFlight: 0}
  c.ac = {lbConnectFailures: 0, lbPaced: false, lbSentTenth: undefined, pipelinedRequests: {size: () => c.inFlight, clear() {}, addBody() {}}} as unknown as AcClient
  return c
}

/** One generator's samples: `seconds` seconds from `first` (negative: a warm-up before t = 0), clients that answer after 0 to 4 s or hang, then a stop. */
function run(random: Random, first: number, seconds: number, clients: number): Sample[] {
  const counts = new SecondCounts()
  const {onRequest, onResponse} = recordingListeners(counts)
  const all = Array.from({length: clients}, client)
  const samples: Sample[] = []
  for (let second = first; second < first + seconds; second++) {
    for (let tenth = 0; tenth < 10; tenth++) {
      counts.tenth = tenth
      counts.clockTenth = second * 10 + tenth
      for (const c of all) {
        if (c.inFlight > 0 && c.answerAt === counts.clockTenth) {
          c.inFlight = 0
          onResponse.call(c.ac, 200, 10, 1)
        }
        if (c.inFlight === 0 && random() < 0.5) {
          c.inFlight = 1
          onRequest.call(c.ac)
          c.answerAt = random() < 0.2 ? Infinity : counts.clockTenth + Math.floor(random() * 40)
        }
      }
      if (second === first + seconds - 1 && tenth === 4) break
    }
    if (second === first + seconds - 1) for (const c of all) countCutOff(counts, c.ac)
    samples.push(counts.toSample(second, 'steady', true, false))
    counts.clear()
  }
  return samples
}

test('cut-offs never make a second of the series negative, and the seconds add up to the total (one generator or two merged)', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const random = seededRandom(seed)
    const first = Math.floor(random() * 3) - 1
    const seconds = 1 + Math.floor(random() * 6)
    const a = run(random, first, seconds, 1 + Math.floor(random() * 30))
    const samples = seed % 2 === 0 ? a : a.map((s, i) => mergeSamples([s, run(seededRandom(seed + 1000), first, seconds, 7)[i]]))
    const series = buildSeries(samples)
    for (const p of series) {
      assert.ok(p.sent >= 0, `seed ${seed}: second ${p.tMs / 1000} has sent ${p.sent}`)
    }
    const tally = emptyTally()
    for (const s of samples) addToTally(tally, s)
    assert.equal(series.reduce((n, p) => n + p.sent, 0), figuresOf(tally, 1000).requests.sent, `seed ${seed}`)
  }
})

test('a request sent two seconds before the stop is taken off that second, not the last one', () => {
  const counts = new SecondCounts()
  const c = client()
  c.inFlight = 1
  counts.clockTenth = 23
  recordingListeners(counts).onRequest.call(c.ac)
  counts.clockTenth = 45
  counts.tenth = 5
  countCutOff(counts, c.ac)
  const s = counts.toSample(4, 'steady', true, false)
  assert.deepEqual([s.sent, s.cutOff, s.cutOffSentBefore, s.tenths?.cutOff.reduce((a, b) => a + b)], [1, 1, {'2': 1}, 0])
  const series = buildSeries([{...s, second: 2, sent: 1, cutOff: 0, cutOffSentBefore: undefined}, {...s, sent: 0}])
  assert.deepEqual(series.map((p) => [p.tMs, p.sent]), [[2000, 0], [4000, 0]])
})
