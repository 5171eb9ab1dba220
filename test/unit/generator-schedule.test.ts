// The load generator's timing, away from autocannon and any server: the load clock its samples are
// numbered on, the intended-send schedule of a paced phase, the paced sender that follows it, and the
// backoff before a reconnect.

import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {setTimeout as sleep} from 'node:timers/promises'
import type {PhaseSpec} from '../../src/model/scenario.js'
import type {AcClient} from '../../src/load/generator/autocannon-client.js'
import {LoadClock} from '../../src/load/generator/load-clock.js'
import {isPaced, pace, pacedSender, phaseConnections, sendSchedule} from '../../src/load/generator/pacing.js'
import {backoffMs} from '../../src/load/generator/connection-failures.js'

const phase = (name: string, duration: number, over: Partial<PhaseSpec> = {}): PhaseSpec => ({name, duration, measure: true, connections: 10, ...over})

describe('load clock', () => {
  const phases = [phase('warmup', 1500, {measure: false}), phase('steady', 5000), phase('cool', 499.6, {measure: false})]
  const clock = new LoadClock(phases, 100, 1_700_000_000_000)

  test('phases laid end to end in whole ms; t = 0 at the first measured phase', () => {
    assert.deepEqual(clock.phaseStarts, [0, 1500, 6500])
    assert.equal(clock.t0, 1500)
    assert.deepEqual([0, 1, 2].map((i) => clock.phaseEnd(i)), [1500, 6500, 7000])
    assert.equal(clock.epochAt(1500), 1_700_000_001_500)
  })

  test('seconds before t = 0 are negative; a warm-up of 1.5 s is counted as half a second, then a whole one', () => {
    assert.deepEqual([0, 499, 500, 1499, 1500, 2499, 2500, 6499, 6500].map((o) => clock.secondAt(o)), [-2, -2, -1, -1, 0, 0, 1, 4, 5])
    assert.equal(clock.secondEnd(-2), 500)
    assert.equal(clock.secondEnd(-1), 1500)
    assert.equal(clock.secondEnd(4), 6500)
  })

  test('with no measured phase, t = 0 is the first phase start', () => {
    const c = new LoadClock([phase('a', 1000.4, {measure: false}), phase('b', 2000, {measure: false})], 0, 0)
    assert.deepEqual(c.phaseStarts, [0, 1000])
    assert.equal(c.t0, 0)
    assert.equal(c.secondAt(1000), 1)
  })

  test('now and msUntil are measured from startedAt', () => {
    const c = new LoadClock([phase('a', 1000)], performance.now() - 250, 0)
    const now = c.now()
    assert.ok(Number.isInteger(now) && now >= 250 && now < 450, `now() = ${now}`)
    const until = c.msUntil(1000)
    assert.ok(until <= 750 && until > 550, `msUntil(1000) = ${until}`)
    assert.equal(c.msUntil(100), 0)
  })
})

describe('intended-send schedule', () => {
  test('a phase is paced when it has a rate and the scenario does not ask for actual-send timing', () => {
    assert.equal(isPaced(phase('p', 1000), undefined), false)
    assert.equal(isPaced(phase('p', 1000, {rate: 0}), undefined), false)
    assert.equal(isPaced(phase('p', 1000, {rate: 50}), undefined), true)
    assert.equal(isPaced(phase('p', 1000, {rate: 50}), 'intended-send'), true)
    assert.equal(isPaced(phase('p', 1000, {rate: 50}), 'actual-send'), false)
  })

  test('fewer requests per second than connections means fewer connections, at least one', () => {
    assert.equal(phaseConnections(phase('p', 1000)), 10)
    assert.equal(phaseConnections(phase('p', 1000, {rate: 1000})), 10)
    assert.equal(phaseConnections(phase('p', 1000, {rate: 3.7})), 3)
    assert.equal(phaseConnections(phase('p', 1000, {rate: 0.5})), 1)
  })

  test('the clients are spread over one interval: 4 connections at 200 req/s send every 20 ms, 5 ms apart', () => {
    assert.deepEqual([0, 1, 2, 3].map((i) => sendSchedule(1000, i, 4, 200)), [
      {first: 1000, interval: 20},
      {first: 1005, interval: 20},
      {first: 1010, interval: 20},
      {first: 1015, interval: 20},
    ])
  })

  test('pace() puts a client on its schedule and gives it the paced sender', () => {
    const client = {} as AcClient
    const sender = pacedSender(() => {})
    pace(client, {first: 1015, interval: 20}, sender)
    assert.deepEqual({next: client.lbNext, intended: client.lbIntended, interval: client.lbInterval}, {next: 1015, intended: 1015, interval: 20})
    assert.equal(client._doRequest, sender)
  })
})

describe('paced sender', () => {
  function pacedClient(next: number, interval = 20): {client: AcClient; sent: number[]; rescheduled: number[]} {
    const sent: number[] = []
    const rescheduled: number[] = []
    const client = {
      destroyed: false,
      lbDown: false,
      lbTimer: undefined,
      lbNext: next,
      lbInterval: interval,
      lbIntended: next,
      timeout: 2000,
      timeoutTicker: {reschedule: (ms: number) => rescheduled.push(ms)},
    } as unknown as AcClient
    return {client, sent, rescheduled}
  }
  const senderFor = (sent: number[]) =>
    pacedSender(function (this: AcClient) {
      sent.push(this.lbIntended)
    })

  test('behind schedule: sends at once, timed from when the request was due (coordinated omission corrected)', () => {
    const due = performance.now() - 50
    const {client, sent, rescheduled} = pacedClient(due)
    senderFor(sent).call(client)
    assert.deepEqual(sent, [due])
    assert.equal(client.lbNext, due + 20)
    assert.equal(client.lbTimer, undefined)
    assert.deepEqual(rescheduled, [])
  })

  test('due within 1 ms: sends at once, timed from now', (t) => {
    // The clock stands still here: a real one could pass the due time before the send on a busy machine.
    t.mock.method(performance, 'now', () => 1000)
    const {client, sent, rescheduled} = pacedClient(1000.9)
    senderFor(sent).call(client)
    assert.deepEqual(sent, [1000], 'timed from the actual send, before it was due')
    assert.equal(client.lbNext, 1020.9)
    assert.equal(client.lbTimer, undefined)
    assert.deepEqual(rescheduled, [])
  })

  test('ahead of schedule: waits for the due time, keeping the request timeout away meanwhile', async () => {
    const due = performance.now() + 100
    const {client, sent, rescheduled} = pacedClient(due)
    const send = senderFor(sent)
    send.call(client)
    assert.deepEqual(sent, [])
    assert.notEqual(client.lbTimer, undefined)
    assert.equal(rescheduled.length, 1)
    assert.ok(rescheduled[0] > 2000 && rescheduled[0] <= 2000 + 100, `rescheduled by ${rescheduled[0]}`)
    send.call(client)
    assert.deepEqual(sent, [], 'a second call while waiting sends nothing')
    await sleep(150)
    assert.equal(sent.length, 1)
    assert.ok(sent[0] > due - 2, 'a late timer is timed from the actual send')
    assert.equal(client.lbNext, due + 20)
    assert.equal(client.lbTimer, undefined)
  })

  test('a client destroyed or backing off sends nothing, also when its timer fires', async () => {
    const down = pacedClient(performance.now() - 10)
    down.client.lbDown = true
    senderFor(down.sent).call(down.client)
    assert.deepEqual(down.sent, [])
    const destroyed = pacedClient(performance.now() + 5)
    senderFor(destroyed.sent).call(destroyed.client)
    destroyed.client.destroyed = true
    await sleep(20)
    assert.deepEqual(destroyed.sent, [])
    assert.equal(destroyed.client.lbTimer, undefined)
  })
})

test('reconnect backoff after connect errors in a row: doubles from 1 ms, at most 100 ms', () => {
  assert.deepEqual([1, 2, 3, 4, 7, 8, 30].map(backoffMs), [1, 2, 4, 8, 64, 100, 100])
})
