// Sharded load merged back (lbbench shard / merge): one run's responses dealt out to shards, each shard
// sampled on its own, and the shards merged, must give the whole run's counts and histograms exactly
// (so its percentiles too); shards moved off the common start instant land in the right seconds; shards
// of different runs, missing shards and corrupt lines are refused with what and where.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type {Sample} from '../../src/model/generator-messages.js'
import type {PhaseSpec} from '../../src/model/scenario.js'
import type {ShardHeader, ShardRecord} from '../../src/model/shard.js'
import {encodeHistogram, latencyOf, mergeEncoded, newLatencyHistogram} from '../../src/metrics/histogram.js'
import {mergeShards, missingShards, shardMismatch, t0Offset} from '../../src/metrics/merge-shards.js'
import {parseShard} from '../../src/load/shard-file.js'
import {parseTracking} from '../../src/process/clock-offset.js'
import {splitConfig} from '../../src/load/generator-client.js'
import {shardConfig} from '../../src/load/shard.js'
import type {LoadedScenario, Scenario} from '../../src/model/scenario.js'

const phases: PhaseSpec[] = [
  {name: 'warmup', duration: 1000, measure: false, connections: 4},
  {name: 'steady', duration: 3000, measure: true, connections: 4},
]

interface Response {
  second: number
  latencyUs: number
  backend: string
  status: number
}

/** The sample of one second from its responses (all measured, phase steady). */
function sampleOf(second: number, responses: Response[]): Sample {
  const all = newLatencyHistogram()
  const perBackend: Sample['perBackend'] = {}
  const byBackend = new Map<string, Response[]>()
  const status: Record<string, number> = {}
  for (const r of responses) {
    all.recordValue(r.latencyUs)
    byBackend.set(r.backend, [...(byBackend.get(r.backend) ?? []), r])
    status[r.status] = (status[r.status] ?? 0) + 1
  }
  for (const [id, rs] of byBackend) {
    const h = newLatencyHistogram()
    for (const r of rs) h.recordValue(r.latencyUs)
    perBackend[id] = {completed: rs.length, non2xx: rs.filter((r) => r.status >= 300).length, histogram: encodeHistogram(h)}
  }
  return {second, phase: 'steady', measure: true, sent: responses.length, completed: responses.length, bytes: responses.length * 10, status, errors: {connect: 0, reset: 0, timeout: 0}, perBackend, histogram: encodeHistogram(all)}
}

function samplesOf(responses: Response[]): Sample[] {
  const seconds = [...new Set(responses.map((r) => r.second))].sort((a, b) => a - b)
  return seconds.map((s) => sampleOf(s, responses.filter((r) => r.second === s)))
}

const header = (over: Partial<ShardHeader> = {}): ShardHeader => ({
  type: 'shard', index: 0, of: 2, scenarioHash: 'h', seed: 1, startAt: 1_000_000, host: 'a', clockOffsetMs: 0, target: 'http://127.0.0.1:1', lbbench: '0', ...over,
})

const record = (h: ShardHeader, samples: Sample[], startMs = h.startAt + 1000, source = `shard-${h.index}`): ShardRecord => ({
  source,
  header: h,
  phases: [{phase: 'warmup', measure: false, startMs: startMs - 1000, endMs: startMs, timing: 'actual-send'}, {phase: 'steady', measure: true, startMs, endMs: startMs + 3000, timing: 'actual-send'}],
  samples,
  end: {type: 'end', lateMs: 0, cpuPct: 10, elu: 0.1, saturated: false},
})

const response = fc.record({
  second: fc.integer({min: 0, max: 2}),
  latencyUs: fc.integer({min: 1, max: 5_000_000}),
  backend: fc.constantFrom('r1', 'r2', 'r3'),
  status: fc.constantFrom(200, 200, 200, 503),
  shard: fc.integer({min: 0, max: 3}),
})

describe('merging shards', () => {
  test('shards of one run merge to the whole run: same counts, same histograms, same percentiles', () => {
    fc.assert(
      fc.property(fc.array(response, {minLength: 1, maxLength: 120}), fc.integer({min: 1, max: 4}), (rs, of) => {
        const whole = samplesOf(rs)
        const records = Array.from({length: of}, (_, i) => record(header({index: i, of}), samplesOf(rs.filter((r) => r.shard % of === i))))
        const merged = mergeShards(records, phases).samples
        assert.deepEqual(merged.map((s) => s.second), whole.map((s) => s.second))
        for (const [i, m] of merged.entries()) {
          const w = whole[i]
          assert.equal(m.sent, w.sent)
          assert.equal(m.completed, w.completed)
          assert.deepEqual(m.status, w.status)
          assert.deepEqual(latencyOf(mergeEncoded([m.histogram])), latencyOf(mergeEncoded([w.histogram])))
          assert.deepEqual(Object.keys(m.perBackend).sort(), Object.keys(w.perBackend).sort())
          for (const id of Object.keys(w.perBackend)) {
            assert.equal(m.perBackend[id].completed, w.perBackend[id].completed)
            assert.equal(m.perBackend[id].non2xx, w.perBackend[id].non2xx)
            assert.deepEqual(latencyOf(mergeEncoded([m.perBackend[id].histogram])), latencyOf(mergeEncoded([w.perBackend[id].histogram])))
          }
        }
        const rows = mergeShards(records, phases).rows
        assert.equal(rows.reduce((n, r) => n + r.requests, 0), rs.length)
      }),
      {numRuns: 25, seed: 15},
    )
  })

  test('a shard that started off the common instant goes into the seconds of the common clock, and the skew bound says by how much', () => {
    const on = record(header({index: 0}), [sampleOf(0, [{second: 0, latencyUs: 1000, backend: 'r1', status: 200}])])
    // Its own t = 0 was 1.2 s after the common one: its second 0 is the common second 1, 200 ms off.
    const late = record(header({index: 1, host: 'b', clockOffsetMs: 30}), [sampleOf(0, [{second: 0, latencyUs: 2000, backend: 'r1', status: 200}])], 1_000_000 + 1000 + 1200)
    const m = mergeShards([on, late], phases)
    assert.deepEqual(m.samples.map((s) => [s.second, s.completed]), [[0, 1], [1, 1]])
    // 1200 ms late on its clock, which is 30 ms ahead: really 1170 ms, 170 ms off the boundary of second 1.
    assert.equal(m.skewBoundMs, 170)
    assert.equal(m.clockOffsetsKnown, true)
    assert.equal(m.t0EpochMs, 1_000_000 + 1000)
    assert.equal(mergeShards([on, record(header({index: 1, clockOffsetMs: null}), [])], phases).clockOffsetsKnown, false)
  })

  test('t = 0 is after the phases before the first measured one', () => {
    assert.equal(t0Offset(phases), 1000)
    assert.equal(t0Offset([{...phases[1], measure: false}]), 0)
  })

  test('shards of different runs are refused, saying which field differs; missing shards are listed', () => {
    const a = record(header({index: 0}), [])
    assert.equal(shardMismatch([a, record(header({index: 1}), [])]), undefined)
    assert.match(shardMismatch([a, record(header({index: 1, scenarioHash: 'x'}), [])])!, /shard-1 has another scenario hash \(x\) than shard-0 \(h\)/)
    assert.match(shardMismatch([a, record(header({index: 1, seed: 2}), [])])!, /another seed/)
    assert.match(shardMismatch([a, record(header({index: 1, startAt: 5}), [])])!, /another start instant/)
    assert.match(shardMismatch([a, record(header({index: 1, of: 3}), [])])!, /another shard count/)
    assert.match(shardMismatch([a, record(header({index: 0}), [], undefined, 'again')])!, /again and shard-0 are both shard 0/)
    assert.deepEqual(missingShards([a], 3), [1, 2])
  })
})

describe('shard files', () => {
  const lines = [
    JSON.stringify(header()),
    JSON.stringify({type: 'phase-start', phase: 'steady', measure: true, epochMs: 5, timing: 'actual-send'}),
    JSON.stringify({type: 'sample', sample: sampleOf(0, [{second: 0, latencyUs: 900, backend: 'r1', status: 200}])}),
    JSON.stringify({type: 'phase-end', phase: 'steady', epochMs: 3005}),
    JSON.stringify({type: 'end', lateMs: 3, cpuPct: 20, elu: 0.2, saturated: false}),
  ]

  test('read back as written, blank lines skipped', () => {
    const r = parseShard(lines.join('\n\n') + '\n', 'f.jsonl')
    assert.equal(r.header.index, 0)
    assert.deepEqual(r.phases, [{phase: 'steady', measure: true, startMs: 5, endMs: 3005, timing: 'actual-send'}])
    assert.equal(r.samples.length, 1)
    assert.equal(r.end?.lateMs, 3)
  })

  test('a corrupt line is refused with file:line', () => {
    const broken = [...lines]
    broken[2] = broken[2].slice(0, 40)
    assert.throws(() => parseShard(broken.join('\n'), 'f.jsonl'), (e: Error & {exitCode?: number}) => e.exitCode === 2 && /^f\.jsonl:3: not JSON/.test(e.message))
    assert.throws(() => parseShard([lines[0], '{"type":"sample","sample":{"second":"x"}}'].join('\n'), 'f.jsonl'), /f\.jsonl:2: sample: second is not a number/)
    assert.throws(() => parseShard(lines.slice(1).join('\n'), 'f.jsonl'), /f\.jsonl:1: the first line must be the shard line/)
    assert.throws(() => parseShard([...lines, lines[2]].join('\n'), 'f.jsonl'), /f\.jsonl:6: a line after the end line/)
    assert.throws(() => parseShard('', 'f.jsonl'), /f\.jsonl: empty/)
  })
})

describe('splitting the load into shards', () => {
  const scenario = {
    seed: 1,
    balancer: {kind: 'external', url: 'http://127.0.0.1:1'},
    load: {connections: 4, timeout: 1000, generators: 1, requests: [], phases: [{name: 's', duration: 1000, measure: true, connections: 4, rate: 400}]},
  } as unknown as Scenario
  const loaded: LoadedScenario = {scenario, file: 's.yaml', hash: 'h'}

  test('shard I of N is generator I of N: split, never multiplied, schedules interleaved by I × 1000 / total rate', () => {
    const shards = [0, 1, 2, 3].map((index) => shardConfig(loaded, {index, of: 4, target: 'http://127.0.0.1:1'}))
    assert.deepEqual(shards.map((c) => c.phases[0].rate), [100, 100, 100, 100])
    assert.deepEqual(shards.map((c) => c.scheduleOffsetsMs), [[0], [2.5], [5], [7.5]])
    assert.deepEqual(shards[2], splitConfig({targets: ['http://127.0.0.1:1'], phases: scenario.load.phases, requests: [], timeout: 1000, seed: 1}, 4)[2])
  })

  test('more shards than connections, or an index out of range, is a usage error', () => {
    assert.throws(() => shardConfig(loaded, {index: 0, of: 5, target: 'http://127.0.0.1:1'}), (e: Error & {exitCode?: number}) => e.exitCode === 2 && /--of 5: .*fewest connections of a phase \(4\)/.test(e.message))
    assert.throws(() => shardConfig(loaded, {index: 4, of: 4, target: 'http://127.0.0.1:1'}), /--index 4: expected a whole number from 0 to 3/)
  })
})

test("chrony's tracking line gives the clock's offset, positive when ahead", () => {
  // Fifth field: the correction still to apply, positive when the clock is slow.
  assert.equal(parseTracking('A29FC87B,ntp1,3,1700000000.1,0.000123000,-0.000001,0.00002,-1.2,0.001,0.05,0.01,0.02,64.0,Normal\n'), -0.123)
  assert.equal(parseTracking('A29FC87B,ntp1,3,1700000000.1,-0.002,0,0,0,0,0,0,0,64.0,Normal'), 2)
  assert.equal(parseTracking(''), null)
  assert.equal(parseTracking('garbage'), null)
})
