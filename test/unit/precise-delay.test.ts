import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {performance} from 'node:perf_hooks'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {createPreciseDelay} from '../../src/replicas/app/precise-delay.js'

const moduleUrl = pathToFileURL(fileURLToPath(new URL('../../src/replicas/app/precise-delay.ts', import.meta.url))).href

describe('precise delay (the built-in app latency)', () => {
  test('every callback runs once, never before its deadline, in deadline order', async () => {
    const delay = createPreciseDelay()
    const runs: Array<{due: number; at: number; i: number}> = []
    const n = 60
    await new Promise<void>((resolve) => {
      for (let i = 0; i < n; i++) {
        // Deadlines out of order, some sub-millisecond, some equal.
        const ms = i % 7 === 0 ? 0.3 : ((i * 37) % 23) + 0.5
        const due = performance.now() + ms
        delay.after(ms, () => {
          runs.push({due, at: performance.now(), i})
          if (runs.length === n) resolve()
        })
      }
    })
    assert.equal(new Set(runs.map((r) => r.i)).size, n)
    for (const r of runs) {
      assert.ok(r.at >= r.due, `#${r.i} ran ${(r.due - r.at).toFixed(3)} ms early`)
      assert.ok(r.at - r.due < 250, `#${r.i} ran ${(r.at - r.due).toFixed(1)} ms late`) // generous: a busy 2-core machine
    }
    for (let k = 1; k < runs.length; k++) assert.ok(runs[k].due >= runs[k - 1].due - 0.01, 'ran out of deadline order')
  })

  test('one request at a time, the last stretch polled: never early, not even by a microsecond', async () => {
    // Each deadline is within the poll window, so the loop polls up to it. Once its code is optimised
    // (after some hundred rounds), a due check with 2 µs of slack answered some of these early: this
    // test failed on it in each of 4 runs.
    const delay = createPreciseDelay()
    const early: string[] = []
    for (let i = 0; i < 3000; i++) {
      const ms = 0.05 + (i % 4) * 0.05
      const due = performance.now() + ms
      const at = await new Promise<number>((resolve) => delay.after(ms, () => resolve(performance.now())))
      if (at < due) early.push(`#${i} by ${((due - at) * 1000).toFixed(2)} µs`)
    }
    assert.deepEqual(early, [])
  })

  test('keeps working after going idle', async () => {
    const delay = createPreciseDelay()
    for (let round = 0; round < 3; round++) {
      const due = performance.now() + 5
      const at = await new Promise<number>((resolve) => delay.after(5, () => resolve(performance.now())))
      assert.ok(at >= due)
      await new Promise((r) => setTimeout(r, 20))
    }
  })

  test('like a timer, keeps the process alive while something waits, and not after', () => {
    // A process whose only work is one delay: it must run the callback, then exit on its own.
    const code = `import {createPreciseDelay} from ${JSON.stringify(moduleUrl)}
const d = createPreciseDelay()
d.after(30, () => console.log('fired'))`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {encoding: 'utf8', timeout: 20_000})
    assert.equal(r.error, undefined, 'the process did not exit by itself')
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout.trim(), 'fired')
  })
})
