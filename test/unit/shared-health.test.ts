// balancer.sharedState, the pure parts: passive health told of another worker's failures, probes and
// recoveries; two backend tables wired together as the primary wires its workers; which workers an event
// is relayed to; and the one state the orchestrator hears of when the workers flip together.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {BackendStateChange} from '../../src/balancers/balancer.js'
import {BackendTable} from '../../src/proxy/backend-table.js'
import {PassiveHealth} from '../../src/proxy/passive-health.js'
import {relayTargets, type HealthEvent} from '../../src/proxy/shared-health.js'
import {SharedStates} from '../../src/proxy/worker-states.js'
import type {BalancerSpec} from '../../src/model/scenario.js'

const t0 = 1_000_000

function health(maxFails: number, failTimeout = 10_000, count = 3): PassiveHealth {
  return new PassiveHealth(count, {maxFails, failTimeout, statuses: []})
}

describe('passive health told of other workers (shared state)', () => {
  test("another worker's failure counts as this worker's: max_fails 1 marks down until fail_timeout after it", () => {
    const h = health(1)
    assert.deepEqual(h.sharedFailure(0, t0, 'connect ECONNREFUSED'), {state: 'down', reason: 'passive: 1 failure (connect ECONNREFUSED)'})
    assert.equal(h.isDown(0), true)
    assert.equal(h.available(0, t0 + 10_000), false)
    assert.equal(h.available(0, t0 + 10_001), true, 'fail_timeout runs from the failure where it happened')
    assert.equal(h.sharedFailure(0, t0 + 1, 'timeout'), undefined, 'already down: no new transition')
  })

  test('failures in two workers add up to max_fails', () => {
    const h = health(3)
    assert.equal(h.failed(0, t0, 'timeout'), undefined)
    assert.equal(h.sharedFailure(0, t0 + 100, 'timeout'), undefined)
    assert.deepEqual(h.failed(0, t0 + 200, 'reset ECONNRESET'), {state: 'down', reason: 'passive: 3 failures (reset ECONNRESET)'})
  })

  test('a relayed failure older than what this worker saw does not move its window back', () => {
    const h = health(1)
    h.failed(0, t0 + 5000, 'timeout')
    h.sharedFailure(0, t0, 'timeout')
    assert.equal(h.available(0, t0 + 10_001), false)
    assert.equal(h.available(0, t0 + 15_001), true)
  })

  test("another worker's probe holds this one back for fail_timeout; its success brings the backend up", () => {
    const h = health(1)
    h.sharedFailure(0, t0, 'connect ECONNREFUSED')
    h.sharedProbe(0, t0 + 10_001)
    assert.equal(h.available(0, t0 + 10_002), false, 'one probe at a time across the workers')
    assert.deepEqual(h.sharedRecovery(0, t0 + 10_003), {state: 'up', reason: 'passive: probe request succeeded'})
    assert.equal(h.available(0, t0 + 10_004), true)
    assert.equal(h.sharedRecovery(0, t0 + 10_005), undefined, 'nothing to reset')
  })

  test('a recovery older than a failure this worker saw is ignored: that failure came after it', () => {
    const h = health(1)
    h.failed(0, t0 + 500, 'connect ECONNREFUSED')
    assert.equal(h.sharedRecovery(0, t0 + 400), undefined)
    assert.equal(h.isDown(0), true)
    assert.deepEqual(h.sharedRecovery(0, t0 + 600), {state: 'up', reason: 'passive: probe request succeeded'})
  })

  test('picked says when it opened a probe window on a backend with failures', () => {
    const h = health(1)
    assert.equal(h.picked(0, t0), false, 'no failures: nothing to tell')
    h.failed(0, t0 + 1, 'timeout')
    assert.equal(h.picked(0, t0 + 5000), false, 'inside fail_timeout: no window')
    assert.equal(h.picked(0, t0 + 10_002), true)
    assert.equal(h.picked(0, t0 + 10_003), false, 'the window is open already')
  })

  test('max_fails 0 and a lone backend are never marked down by other workers either', () => {
    assert.equal(health(0).sharedFailure(0, t0, 'timeout'), undefined)
    const lone = health(1, 10_000, 1)
    assert.equal(lone.sharedFailure(0, t0, 'timeout'), undefined)
    assert.equal(lone.isDown(0), false)
  })
})

const spec = (over: Partial<BalancerSpec['health']> = {}): BalancerSpec =>
  ({health: {passive: {maxFails: 1, failTimeout: 10_000, statuses: []}, ...over}}) as BalancerSpec

/** Two workers' tables, each event of one applied in the other at once, as the primary relays them. */
function twoWorkers(s = spec()): {tables: BackendTable[]; changes: BackendStateChange[][]; events: HealthEvent[][]} {
  const backends = ['r1', 'r2'].map((id, i) => ({id, host: '127.0.0.1', port: 4000 + i, weight: 1}))
  const changes: BackendStateChange[][] = [[], []]
  const events: HealthEvent[][] = [[], []]
  const tables: BackendTable[] = []
  for (const w of [0, 1]) {
    tables.push(
      new BackendTable(backends, s, (c) => changes[w].push(c), (e) => {
        events[w].push(e)
        tables[1 - w].applyShared(e)
      }),
    )
  }
  return {tables, changes, events}
}

describe('backend tables wired together (shared state)', () => {
  test('a failure in worker 1 takes the backend out of worker 2 at the same moment, stamped with its time', () => {
    const {tables: [a, b], changes} = twoWorkers()
    const now = Date.now()
    a.picked(0, now)
    a.attemptFailed(0, now, 'connect ECONNREFUSED')
    assert.equal(a.usable(0, now + 1), false)
    assert.equal(b.usable(0, now + 1), false, 'worker 2 never tried it')
    assert.deepEqual(changes[0], [{id: 'r1', state: 'down', reason: 'passive: 1 failure (connect ECONNREFUSED)', epochMs: changes[0][0].epochMs}])
    assert.deepEqual(changes[1], [{id: 'r1', state: 'down', reason: 'passive: 1 failure (connect ECONNREFUSED)', epochMs: now}], 'the echo carries the time of the failure')
    assert.equal(b.usable(1, now + 1), true)
  })

  test('one probe after fail_timeout, and its success brings the backend back in both workers', () => {
    const {tables: [a, b], changes, events} = twoWorkers()
    const now = Date.now() - 20_000
    a.attemptFailed(0, now, 'connect ECONNREFUSED')
    const later = now + 10_001
    assert.equal(b.usable(0, later), true, 'fail_timeout is over: a probe may go')
    b.picked(0, later)
    assert.deepEqual(events[1], [{kind: 'probe', backend: 0, at: later}])
    assert.equal(a.usable(0, later + 1), false, "worker 1 waits for worker 2's probe")
    b.attemptSucceeded(0)
    assert.equal(events[1][1].kind, 'recovery')
    assert.equal(a.usable(0, later + 2), true)
    assert.deepEqual(
      changes.map((c) => c.map((x) => x.state)),
      [
        ['down', 'up'],
        ['down', 'up'],
      ],
    )
  })

  test('successes without failures counted, and failures that cannot mark down, are not relayed', () => {
    const {tables: [a], events} = twoWorkers()
    a.picked(1, Date.now())
    a.attemptSucceeded(1)
    assert.deepEqual(events[0], [])
    const off = twoWorkers(spec({passive: {maxFails: 0, failTimeout: 10_000, statuses: []}}))
    off.tables[0].attemptFailed(0, Date.now(), 'timeout')
    assert.deepEqual(off.events[0], [])
  })

  test("the primary's check results apply in every worker alike", () => {
    const active = {path: '/', interval: 1000, timeout: 500, rise: 2, fall: 1}
    const {tables, changes} = twoWorkers(spec({passive: undefined, active}))
    for (const t of tables) t.applyShared({kind: 'check', backend: 1, at: 42, ok: false, cause: 'status 500'})
    for (const w of [0, 1]) assert.deepEqual(changes[w], [{id: 'r2', state: 'down', reason: 'active: 1 failed check (status 500)', epochMs: 42}])
    for (const t of tables) assert.equal(t.usable(1, Date.now()), false)
  })

  test('an event about a backend the table does not have is ignored', () => {
    const {tables: [a], changes} = twoWorkers()
    a.applyShared({kind: 'failure', backend: 7, at: 1, cause: 'timeout'})
    assert.deepEqual(changes[0], [])
  })
})

test('an event goes to every worker but its own; a check of the primary to all of them', () => {
  assert.deepEqual(relayTargets(2, 3), [1, 3])
  assert.deepEqual(relayTargets(undefined, 3), [1, 2, 3])
  assert.deepEqual(relayTargets(1, 1), [])
})

test('shared state: the first report of a flip is passed on as written, its echoes and stale reports are not', () => {
  const s = new SharedStates()
  const at = (w: number, state: 'up' | 'down', epochMs: number) => s.apply(w, {id: 'r1', state, reason: `why ${w}`, epochMs})
  assert.deepEqual(at(2, 'down', 100), {id: 'r1', state: 'down', reason: 'why 2', epochMs: 100}, 'no worker named: they all marked it down')
  assert.equal(at(1, 'down', 100), undefined, 'the echo from worker 1')
  assert.deepEqual(at(1, 'up', 200), {id: 'r1', state: 'up', reason: 'why 1', epochMs: 200})
  assert.equal(at(2, 'down', 150), undefined, 'an echo of the earlier flip that arrived late')
  assert.equal(at(2, 'up', 200), undefined)
  assert.equal(s.apply(1, {id: 'r2', state: 'up', reason: 'x', epochMs: 5}), undefined, 'every backend starts up')
  assert.deepEqual(at(2, 'down', 300), {id: 'r1', state: 'down', reason: 'why 2', epochMs: 300})
})
