// How a run stops: bounded waits, the waits a signal shortens so the report beats the hard exit, and the
// race every wait of the wiring runs against a signal, a broken part and abortOnFail. Real short timers.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'
import {RunError} from '../../src/model/errors.js'
import {AbortedRun, RunStops, SIGNALLED_BUDGET_MS, withTimeout} from '../../src/run/stops.js'

const never = new Promise<never>(() => {})

/** The settled outcome of `p`, or 'pending' if it has not settled within `ms`. */
async function stateAfter(p: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([p.then((v) => ({value: v}), (e: unknown) => ({error: e})), sleep(ms, 'pending')])
}

describe('withTimeout', () => {
  test('the promise\'s value, or its error, when it settles in time', async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 50, 'late'), 7)
    const own = new Error('its own')
    await assert.rejects(withTimeout(Promise.reject(own), 50, 'late'), (e) => e === own)
  })

  test('RunError with the message once ms have passed, not before', async () => {
    const started = Date.now()
    const waiting = withTimeout(never, 80, 'the balancer did not start')
    assert.equal(await stateAfter(waiting, 30), 'pending')
    await assert.rejects(waiting, (e) => e instanceof RunError && e.message === 'the balancer did not start')
    assert.ok(Date.now() - started >= 79, `rejected after ${Date.now() - started} ms`)
  })

  test('with untilHardExit, a signal arriving during the wait cuts it to the budget', {timeout: 2_000}, async () => {
    const controller = new AbortController()
    const stops = new RunStops(controller.signal, 100)
    const waiting = withTimeout(never, 60_000, 'teardown took too long', stops.untilHardExit)
    assert.equal(await stateAfter(waiting, 150), 'pending')
    controller.abort('interrupted by SIGINT')
    await assert.rejects(waiting, (e) => e instanceof RunError && e.message === 'teardown took too long')
  })
})

describe('RunStops', () => {
  test('the budget after a signal is 3.5 s, inside interrupt.ts\'s 4.5 s hard exit', () => {
    assert.equal(SIGNALLED_BUDGET_MS, 3_500)
  })

  test('untilHardExit: every wait whole before a signal; after it, capped to what is left of the budget, never below 0', async () => {
    const controller = new AbortController()
    const stops = new RunStops(controller.signal, 1_000)
    assert.equal(stops.untilHardExit(8_000), 8_000)
    assert.equal(stops.untilHardExit(0), 0)
    controller.abort('interrupted by SIGTERM')
    const capped = stops.untilHardExit(8_000)
    assert.ok(capped <= 1_000 && capped >= 950, `capped to ${capped}`)
    assert.equal(stops.untilHardExit(200), 200, 'a wait shorter than what is left stays whole')
    const short = new RunStops(controller.signal, 20)
    await sleep(40)
    assert.equal(short.untilHardExit(8_000), 0)
    assert.equal(short.untilHardExit(-5), 0)
  })

  test('race: the value when nothing stops the run', async () => {
    const stops = new RunStops(new AbortController().signal)
    assert.equal(await stops.race(Promise.resolve('targets')), 'targets')
  })

  test('race: a signal, before or during the wait, ends it with AbortedRun carrying the signal\'s reason', async () => {
    const before = new AbortController()
    before.abort('interrupted by SIGINT')
    const early = new RunStops(before.signal)
    await assert.rejects(early.race(never), (e) => e instanceof AbortedRun && e.message === 'interrupted by SIGINT')
    assert.ok(early.untilHardExit(60_000) <= SIGNALLED_BUDGET_MS, 'a signal that came first starts the budget too')

    const during = new AbortController()
    const stops = new RunStops(during.signal)
    const waiting = stops.race(never)
    assert.equal(await stateAfter(waiting, 10), 'pending')
    during.abort('interrupted by SIGTERM')
    await assert.rejects(waiting, (e) => e instanceof AbortedRun && e.message === 'interrupted by SIGTERM')
  })

  test('race: a part that failed ends the waits in progress and every later one with its RunError', async () => {
    const stops = new RunStops(new AbortController().signal)
    const waiting = stops.race(never)
    const failure = new RunError('the nginx balancer exited during the run (code 1)')
    stops.partFailed(failure)
    await assert.rejects(waiting, (e) => e === failure)
    await assert.rejects(stops.race(never), (e) => e === failure)
    assert.equal(stops.untilHardExit(8_000), 8_000, 'a broken part does not shorten the teardown')
  })

  test('race: abortOnFail ends the wait with AbortedRun(reason), not a RunError', async () => {
    const stops = new RunStops(new AbortController().signal)
    const waiting = stops.race(never)
    stops.failEarly('abortOnFail: errors.count < 10 can no longer hold (455 at t=1.0s)')
    await assert.rejects(waiting, (e) => e instanceof AbortedRun && !(e instanceof RunError) && e.message === 'abortOnFail: errors.count < 10 can no longer hold (455 at t=1.0s)')
  })

  test('race: a signal outranks a broken part, which outranks abortOnFail', async () => {
    const controller = new AbortController()
    const stops = new RunStops(controller.signal)
    stops.failEarly('abortOnFail: …')
    stops.partFailed(new RunError('the generator died'))
    await assert.rejects(stops.race(never), (e) => e instanceof RunError && e.message === 'the generator died')
    controller.abort('interrupted by SIGINT')
    await assert.rejects(stops.race(never), (e) => e instanceof AbortedRun && e.message === 'interrupted by SIGINT')
  })

  test('a stop that nobody is racing is no unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const note = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', note)
    try {
      const controller = new AbortController()
      const stops = new RunStops(controller.signal)
      stops.partFailed(new RunError('broken'))
      stops.failEarly('abortOnFail')
      controller.abort('interrupted by SIGINT')
      await sleep(20)
    } finally {
      process.off('unhandledRejection', note)
    }
    assert.deepEqual(unhandled, [])
  })
})
