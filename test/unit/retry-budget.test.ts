// The built-in proxy's retry budget: retries ≤ fraction × requests of the last 10 s, at least 3.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {failureStatus, isReplayableMethod, RetryBudget} from '../../src/proxy/retries.js'

const t0 = 1_000_000

describe('retries', () => {
  test('20% of the requests in the window may be retries', () => {
    const b = new RetryBudget(0.2)
    for (let i = 0; i < 100; i++) b.request(t0 + i)
    let allowed = 0
    for (let i = 0; i < 50; i++) if (b.take(t0 + 200)) allowed += 1
    assert.equal(allowed, 20)
  })

  test('at least 3 retries are allowed however few the requests', () => {
    const b = new RetryBudget(0.2)
    b.request(t0)
    assert.deepEqual([b.take(t0), b.take(t0), b.take(t0), b.take(t0)], [true, true, true, false])
  })

  test('the window slides: requests and retries older than 10 s no longer count', () => {
    const b = new RetryBudget(0.5)
    for (let i = 0; i < 10; i++) b.request(t0)
    for (let i = 0; i < 5; i++) assert.equal(b.take(t0), true)
    assert.equal(b.take(t0 + 9000), false, 'same window: 5 of 10 used')
    for (let i = 0; i < 10; i++) b.request(t0 + 9000)
    assert.equal(b.take(t0 + 9000), true, '20 requests now allow 10')
    // 10 s later the first second has left the window: 10 requests, 1 retry in it.
    const later = t0 + 10_000
    let allowed = 0
    while (b.take(later)) allowed += 1
    assert.equal(allowed, 4)
  })

  test('idempotent methods are replayable; others only when asked', () => {
    assert.deepEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE', 'POST', 'PATCH'].map((m) => isReplayableMethod(m, false)), [true, true, true, true, true, true, false, false])
    assert.equal(isReplayableMethod('POST', true), true)
  })

  test('the last failure decides the status: 504 for a timeout, else 502', () => {
    assert.deepEqual([failureStatus('timeout'), failureStatus('connect'), failureStatus('reset')], [504, 502, 502])
  })
})
