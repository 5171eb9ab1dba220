// The load generator's phase runner with a stand-in autocannon: the messages it sends, in order, as
// the load clock moves through a warm-up and a measured phase, when it is stopped, and with no phases.

import {test} from 'node:test'
import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'
import type {PhaseSpec} from '../../src/model/scenario.js'
import type {FromGenerator, GeneratorConfig} from '../../src/model/generator-messages.js'
import {PhaseRunner} from '../../src/load/generator/phase-runner.js'
import {CHECK_EVERY} from '../../src/load/generator/clock-due.js'
import {fakeAutocannon} from './generator-fixtures.js'
import {waitFor} from '../helpers/wait-for.js'

const phase = (name: string, duration: number, over: Partial<PhaseSpec> = {}): PhaseSpec => ({name, duration, measure: true, connections: 2, ...over})
const configWith = (phases: PhaseSpec[]): GeneratorConfig => ({targets: ['http://127.0.0.1:1'], phases, requests: [{method: 'GET', path: '/', headers: {}, weight: 1}], timeout: 1000, seed: 1})

/** A message as [type, phase, second, cut off] to compare sequences by. */
function shape(m: FromGenerator): unknown[] {
  if (m.type === 'sample') return ['sample', m.sample.phase, m.sample.second, m.sample.cutOff]
  if (m.type === 'phase-start') return ['phase-start', m.phase, m.measure, m.timing]
  if (m.type === 'phase-end') return ['phase-end', m.phase]
  return [m.type]
}

test('a 0.3 s warm-up then a 1.2 s phase: one sample per second of the load clock and per phase, ends on its own', async () => {
  const messages: FromGenerator[] = []
  let done = 0
  const {autocannon, made} = fakeAutocannon()
  PhaseRunner.start(configWith([phase('warmup', 300, {measure: false}), phase('steady', 1200, {rate: 50})]), autocannon, {
    send: (m) => messages.push(m),
    done: () => done++,
    fail: (message) => assert.fail(message),
  })
  await waitFor(() => done > 0, 5000, 'the phases ended', 20)
  assert.deepEqual(messages.filter((m) => m.type !== 'usage').map(shape), [
    ['phase-start', 'warmup', false, 'actual-send'],
    ['sample', 'warmup', -1, 4],
    ['phase-end', 'warmup'],
    ['phase-start', 'steady', true, 'intended-send'],
    ['sample', 'steady', 0, 0],
    ['sample', 'steady', 1, 4],
    ['phase-end', 'steady'],
  ])
  assert.equal(done, 1)
  assert.deepEqual(messages.flatMap((m) => (m.type === 'usage' ? [m.lateMs ?? 0] : [])).length, 1, 'usage once per whole second of the clock')
  const epochs = messages.flatMap((m) => (m.type === 'phase-start' || m.type === 'phase-end' ? [m.epochMs - (messages[0] as {epochMs: number}).epochMs] : []))
  assert.deepEqual(epochs, [0, 300, 300, 1500], 'phase edges exactly where the durations put them')
  const samples = messages.flatMap((m) => (m.type === 'sample' ? [m.sample] : []))
  assert.deepEqual(samples.map((s) => s.uncorrectedHistogram !== undefined), [false, true, true], 'the paced phase also reports actual-send latency')
  assert.equal(made.stopped, 2, "each phase's autocannon is stopped")
  // The clock moved the counts on every 100 ms: requests cut off at a phase's end are in the part of the
  // second it ended in (t = 0 is 300 ms in; the warm-up ends at the end of second -1, steady 200 ms into second 1).
  const part = (j: number, n: number) => Array.from({length: 10}, (_, i) => (i === j ? n : 0))
  assert.deepEqual(samples.map((s) => s.tenths?.cutOff), [part(9, 4), part(0, 0), part(1, 4)])
  assert.ok(made.clients.every((c) => c.destroyed))
})

test('stopped in the middle of a phase: the partial second, the phase end, then done (once)', async () => {
  const messages: FromGenerator[] = []
  let done = 0
  const {autocannon} = fakeAutocannon()
  const runner = PhaseRunner.start(configWith([phase('steady', 10_000)]), autocannon, {
    send: (m) => messages.push(m),
    done: () => done++,
    fail: (message) => assert.fail(message),
  })
  await sleep(250)
  runner.stop()
  assert.deepEqual(messages.map(shape), [['phase-start', 'steady', true, 'actual-send'], ['sample', 'steady', 0, 4], ['phase-end', 'steady']])
  const [start, , end] = messages as Array<{epochMs: number}>
  assert.ok(end.epochMs - start.epochMs >= 250 && end.epochMs - start.epochMs < 2000, `ended ${end.epochMs - start.epochMs} ms in`)
  assert.equal(done, 1)
  await sleep(50)
  assert.equal(messages.length, 3, 'nothing after the stop')
})

test('no phases: done at once, nothing started', () => {
  let done = 0
  const {autocannon, made} = fakeAutocannon()
  PhaseRunner.start(configWith([]), autocannon, {send: () => assert.fail('nothing to say'), done: () => done++, fail: assert.fail})
  assert.equal(done, 1)
  assert.equal(made.opts, undefined)
})

/** Keeps the event loop busy for `ms` (no timer can run meanwhile). */
function block(ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end) {
    // busy on purpose
  }
}

test('a tick that comes late: the seconds it passed are sent (empty), cut-offs go to the second they were sent in, the lateness to the usage report', async () => {
  const messages: FromGenerator[] = []
  let done = 0
  const {autocannon, made} = fakeAutocannon()
  PhaseRunner.start(configWith([phase('steady', 3000)]), autocannon, {send: (m) => messages.push(m), done: () => done++, fail: assert.fail})
  made.clients[0].emit('request')
  block(3100)
  await waitFor(() => done > 0, 1000, 'the run ended', 20)
  const samples = messages.flatMap((m) => (m.type === 'sample' ? [m.sample] : []))
  assert.deepEqual(samples.map((s) => [s.second, s.sent, s.cutOff, s.cutOffSentBefore]), [[0, 1, 0, undefined], [1, 0, 0, undefined], [2, 0, 4, {'0': 2}]], 'all three seconds at once; the request sent in second 0 and still in flight is taken off second 0')
  const late = messages.flatMap((m) => (m.type === 'usage' ? [m.lateMs ?? 0] : []))
  assert.ok(late.length === 2 && late[0] >= 2900, `usage reports say how late the clock was: ${late}`)
})

test("the clock is also looked at from the clients' events: a due tick runs before any timer can", () => {
  const messages: FromGenerator[] = []
  const {autocannon, made} = fakeAutocannon()
  const runner = PhaseRunner.start(configWith([phase('steady', 5000)]), autocannon, {send: (m) => messages.push(m), done: () => {}, fail: assert.fail})
  block(1150)
  // Timers cannot run before this function returns; the events of a busy loop do.
  for (let i = 0; i < CHECK_EVERY; i++) made.clients[0].emit('request')
  return new Promise<void>((resolve) => {
    process.nextTick(() => {
      assert.deepEqual(messages.filter((m) => m.type === 'sample').map((m) => (m.type === 'sample' ? [m.sample.second, m.sample.sent] : [])), [[0, CHECK_EVERY]])
      runner.stop()
      resolve()
    })
  })
})
