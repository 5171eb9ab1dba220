// Passive health against nginx's max_fails / fail_timeout rules (ngx_http_upstream_round_robin.c), with
// the clock injected (epoch ms).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {PassiveHealth} from '../../src/proxy/passive-health.js'

const t0 = 1_000_000

function health(maxFails: number, failTimeout = 10_000, count = 3, statuses: number[] = []): PassiveHealth {
  return new PassiveHealth(count, {maxFails, failTimeout, statuses})
}

describe('passive health (nginx max_fails / fail_timeout)', () => {
  test('max_fails 1: one failure marks down for fail_timeout, then exactly one probe is let through', () => {
    const h = health(1)
    assert.deepEqual(h.failed(0, t0, 'connect ECONNREFUSED'), {state: 'down', reason: 'passive: 1 failure (connect ECONNREFUSED)'})
    assert.equal(h.isDown(0), true)
    assert.equal(h.available(0, t0 + 1), false)
    assert.equal(h.available(0, t0 + 10_000), false, 'now - checked must exceed fail_timeout')
    assert.equal(h.available(0, t0 + 10_001), true)
    h.picked(0, t0 + 10_001)
    assert.equal(h.available(0, t0 + 10_002), false, 'the probe is in flight: nobody else goes there')
    assert.equal(h.isDown(0), true, 'still down until the probe succeeds')
    assert.deepEqual(h.succeeded(0), {state: 'up', reason: 'passive: probe request succeeded'})
    assert.equal(h.isDown(0), false)
    assert.equal(h.available(0, t0 + 10_003), true)
    assert.equal(h.available(1, t0), true, 'other backends are untouched')
  })

  test('a failed probe starts another fail_timeout', () => {
    const h = health(1)
    h.failed(0, t0, 'timeout')
    h.picked(0, t0 + 10_001)
    assert.equal(h.failed(0, t0 + 10_500, 'connect ECONNREFUSED'), undefined, 'already down: no new transition')
    assert.equal(h.available(0, t0 + 20_500), false)
    assert.equal(h.available(0, t0 + 20_501), true)
  })

  test('max_fails 3: failures less than fail_timeout apart add up, even with successes between', () => {
    const h = health(3)
    assert.equal(h.failed(0, t0, 'timeout'), undefined)
    assert.equal(h.succeeded(0), undefined)
    assert.equal(h.failed(0, t0 + 6000, 'timeout'), undefined)
    h.picked(0, t0 + 7000) // less than fail_timeout after the last failure: not a new window
    assert.equal(h.succeeded(0), undefined)
    assert.equal(h.available(0, t0 + 9000), true)
    assert.deepEqual(h.failed(0, t0 + 9000, 'reset ECONNRESET'), {state: 'down', reason: 'passive: 3 failures (reset ECONNRESET)'})
    assert.equal(h.available(0, t0 + 19_000), false)
    assert.equal(h.available(0, t0 + 19_001), true)
  })

  test('a success on a pick more than fail_timeout after the last failure resets the count', () => {
    const h = health(3)
    h.failed(0, t0, 'timeout')
    h.failed(0, t0 + 1000, 'timeout')
    h.picked(0, t0 + 11_001)
    assert.equal(h.succeeded(0), undefined, 'it was never down: no transition')
    assert.equal(h.failed(0, t0 + 11_002, 'timeout'), undefined)
    assert.equal(h.failed(0, t0 + 11_003, 'timeout'), undefined, 'two failures since the reset: still up')
    assert.equal(h.isDown(0), false)
  })

  test('max_fails 0 never marks a backend down', () => {
    const h = health(0)
    for (let i = 0; i < 10; i++) assert.equal(h.failed(0, t0 + i, 'timeout'), undefined)
    assert.equal(h.isDown(0), false)
    assert.equal(h.available(0, t0 + 10), true)
  })

  test('a lone backend is never marked down (nginx peers->single)', () => {
    const h = health(1, 10_000, 1)
    assert.equal(h.failed(0, t0, 'connect ECONNREFUSED'), undefined)
    assert.equal(h.available(0, t0 + 1), true)
  })

  test('listed statuses count; others do not', () => {
    const h = health(1, 10_000, 2, [502, 503])
    assert.equal(h.countsStatus(503), true)
    assert.equal(h.countsStatus(500), false)
    assert.deepEqual(h.failed(1, t0, 'status 503'), {state: 'down', reason: 'passive: 1 failure (status 503)'})
  })

  test('a restarted backend starts clean', () => {
    const h = health(1)
    h.failed(2, t0, 'connect ECONNREFUSED')
    assert.deepEqual(h.reset(2, 'replica back on 127.0.0.1:4000'), {state: 'up', reason: 'passive: reset (replica back on 127.0.0.1:4000)'})
    assert.equal(h.available(2, t0 + 1), true)
    assert.equal(h.reset(2, 'again'), undefined)
  })
})
