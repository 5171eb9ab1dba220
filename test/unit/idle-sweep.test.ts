// The sweep that finds idle connections for the lean engine: a connection that recorded the count n−1
// (it went idle between sweeps n−1 and n) has been idle longer than the idle time only from sweep
// n + perIdle on, never at the sweep before it.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {IdleSweep} from '../../src/proxy/lean/idle-sweep.js'
import {waitFor} from '../helpers/wait-for.js'

test('idle since count s: expired from count s + perIdle + 1, not before', () => {
  const sweep = new IdleSweep(3_600_000, 8, () => {})
  try {
    for (const since of [0, 3, 100]) {
      sweep.count = since + 8
      assert.equal(sweep.expired(since), false, `at ${sweep.count}, idle since ${since}`)
      sweep.count = since + 9
      assert.equal(sweep.expired(since), true, `at ${sweep.count}, idle since ${since}`)
    }
  } finally {
    sweep.stop()
  }
})

test('each sweep counts one and then calls back; stop() ends the sweeps', async () => {
  const seen: number[] = []
  const sweep = new IdleSweep(80, 8, () => seen.push(sweep.count))
  await waitFor(() => seen.length >= 3, 3000, 'three sweeps')
  sweep.stop()
  assert.deepEqual(seen.slice(0, 3), [1, 2, 3], 'the callback sees the count already raised')
  const after = seen.length
  await new Promise((r) => setTimeout(r, 60))
  assert.equal(seen.length, after, 'no sweep after stop()')
})
