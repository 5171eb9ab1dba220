// Active health against HAProxy's rise/fall counter (check.c): health in 0 … rise + fall - 1, UP while
// health >= rise; a new server starts at health = rise.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {ActiveHealth} from '../../src/proxy/active-health.js'

/** Feeds a sequence of check results ('+' passed, '-' failed) and returns the transitions by position. */
function run(h: ActiveHealth, results: string, i = 0): Array<string | undefined> {
  return [...results].map((r) => {
    const t = h.record(i, r === '+', 'timeout')
    return t && `${t.state}: ${t.reason}`
  })
}

describe('active health (HAProxy rise / fall)', () => {
  test('starts up, and like HAProxy falls at the first failure until a check has passed', () => {
    const h = new ActiveHealth(2, 2, 3)
    assert.equal(h.isUp(0), true)
    assert.deepEqual(run(h, '-'), ['down: active: 1 failed check (timeout)'])
  })

  test('up at the top: down after exactly `fall` consecutive failed checks', () => {
    const h = new ActiveHealth(1, 2, 3)
    assert.deepEqual(run(h, '+--'), [undefined, undefined, undefined])
    assert.equal(h.isUp(0), true)
    assert.deepEqual(run(h, '-'), ['down: active: 3 failed checks (timeout)'])
  })

  test('one passed check between failures puts an up server back at the top', () => {
    const h = new ActiveHealth(1, 2, 3)
    assert.deepEqual(run(h, '+--+--'), [undefined, undefined, undefined, undefined, undefined, undefined])
    assert.equal(h.isUp(0), true)
    assert.deepEqual(run(h, '-'), ['down: active: 3 failed checks (timeout)'])
  })

  test('down: up after exactly `rise` consecutive passed checks; a failure between starts over', () => {
    const h = new ActiveHealth(1, 2, 3)
    run(h, '+---')
    assert.equal(h.isUp(0), false)
    assert.deepEqual(run(h, '+-+'), [undefined, undefined, undefined])
    assert.deepEqual(run(h, '+'), ['up: active: 2 passed checks'])
    assert.deepEqual(run(h, '--'), [undefined, undefined], 'back at the top after rising')
    assert.deepEqual(run(h, '-'), ['down: active: 3 failed checks (timeout)'])
  })

  test('rise 1, fall 1: every result decides', () => {
    const h = new ActiveHealth(1, 1, 1)
    assert.deepEqual(run(h, '+-+-'), [undefined, 'down: active: 1 failed check (timeout)', 'up: active: 1 passed check', 'down: active: 1 failed check (timeout)'])
  })

  test('backends are independent, and a replaced backend starts up again', () => {
    const h = new ActiveHealth(2, 2, 2)
    run(h, '+--', 1)
    assert.equal(h.isUp(1), false)
    assert.equal(h.isUp(0), true)
    assert.deepEqual(h.reset(1, 'replica back on 127.0.0.1:4000'), {state: 'up', reason: 'active: reset (replica back on 127.0.0.1:4000)'})
    assert.equal(h.reset(0, 'again'), undefined)
    assert.deepEqual(run(h, '-', 1), ['down: active: 1 failed check (timeout)'], 'a new server falls at its first failure')
  })
})
