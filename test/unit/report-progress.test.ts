import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {createProgress, formatProgress, type ProgressState} from '../../src/cli/progress.js'
import {progressHooks} from '../../src/cli/progress-hooks.js'
import type {Sample} from '../../src/model/generator-messages.js'

class Sink {
  chunks: string[] = []
  columns?: number
  write(chunk: string) {
    this.chunks.push(chunk)
    return true
  }
  get text() {
    return this.chunks.join('')
  }
}

const state = (elapsedMs: number, rps = 2000): ProgressState => ({
  phase: 'steady', elapsedMs, totalMs: 10_000, rps, failed: 3, backendsUp: 3, backendsTotal: 4,
})

describe('progress', () => {
  test('the line says phase, time, rps, errors, backends up', () => {
    assert.equal(formatProgress(state(2500, 1234), false), 'steady 2.5s/10.0s · 1,234 req/s · 3 failed · backends 3/4 up')
    assert.equal(formatProgress(state(5000), true), 'steady 5.0s/10.0s ████████░░░░░░░░ · 2,000 req/s · 3 failed · backends 3/4 up')
  })

  test('on a terminal: one line redrawn in place, events above it', () => {
    const out = new Sink()
    const p = createProgress(out, {isTTY: true})
    p.update(state(1000))
    p.update(state(2000))
    p.note('t=3.0s fault kill r2')
    p.update(state(3000))
    p.done()
    assert.ok(out.chunks.every((c) => c.startsWith('\r\u001b[2K') || c === '\n' || c.startsWith('t=3.0s')))
    assert.equal(out.chunks.filter((c) => c.includes('\n')).length, 2, 'only the event and the final newline end lines')
    assert.ok(out.text.includes('\r\u001b[2Kt=3.0s fault kill r2\n\r\u001b[2Ksteady 2.0s/10.0s'))
    assert.ok(out.text.endsWith('steady 3.0s/10.0s █████░░░░░░░░░░░ · 2,000 req/s · 3 failed · backends 3/4 up\n'))
  })

  test('on a terminal: never wider than it, so \\r redraws the whole line', () => {
    const out = new Sink()
    out.columns = 40
    const p = createProgress(out, {isTTY: true})
    p.update(state(1000))
    assert.ok(out.chunks[0].replace('\r\u001b[2K', '').length < 40)
  })

  test('off a terminal: a plain line at most every 5 s, events at once, the last state at the end', () => {
    const out = new Sink()
    let now = 0
    const p = createProgress(out, {isTTY: false, now: () => now})
    for (let s = 0; s <= 12; s++) {
      now = s * 1000
      p.update(state(s * 1000))
      if (s === 3) p.note('t=3.0s fault kill r2')
    }
    p.done()
    p.update(state(99_000))
    // eslint-disable-next-line no-control-regex -- off a terminal, neither \r nor an escape code (\u001b) may be written
    assert.doesNotMatch(out.text, /\r|\u001b/)
    assert.deepEqual(out.text.trimEnd().split('\n').map((l) => l.split(' · ')[0]), [
      'steady 0.0s/10.0s',
      't=3.0s fault kill r2',
      'steady 5.0s/10.0s',
      'steady 10.0s/10.0s',
      'steady 12.0s/10.0s',
    ])
  })

  test('once the load has ended, the last state comes before what follows (stopping the parts)', () => {
    for (const isTTY of [false, true]) {
      const out = new Sink()
      let now = 0
      const p = createProgress(out, {isTTY, now: () => now})
      p.update(state(1000))
      now = 2000
      p.update(state(2000))
      p.done()
      p.note('stopping the replicas and the balancer')
      const lines = out.text.split('\n').map((l) => l.split('\r\u001b[2K').at(-1)!).filter(Boolean)
      assert.match(lines.at(-2)!, /^steady 2\.0s\/10\.0s/, `${isTTY ? 'terminal' : 'log'}: ${JSON.stringify(out.text)}`)
      assert.equal(lines.at(-1), 'stopping the replicas and the balancer')
    }
  })
})

describe('progress hooks', () => {
  const sample = (over: Partial<Sample>): Sample => ({
    second: 0, phase: 'steady', measure: true, sent: 10, completed: 10, bytes: 0, status: {200: 10},
    errors: {connect: 0, reset: 0, timeout: 0}, perBackend: {}, histogram: '', ...over,
  })
  const live = {phase: 'steady', elapsedMs: 1000, totalMs: 5000, backendsUp: 2, backendsTotal: 2}

  test('failed requests are counted as the report counts them: non-2xx and lost too, over the measured phases', () => {
    const out = new Sink()
    const hooks = progressHooks(createProgress(out, {isTTY: false, intervalMs: 0}))
    hooks.onSample!(sample({phase: 'warmup', measure: false, second: -1, errors: {connect: 1, reset: 0, timeout: 0}}), {...live, phase: 'warmup'})
    hooks.onSample!(sample({status: {200: 8, 503: 2}}), live)
    hooks.onSample!(sample({second: 1, lost: 1, errors: {connect: 0, reset: 1, timeout: 1}}), live)
    assert.deepEqual(out.text.trimEnd().split('\n').map((l) => l.split(' · ')[2]), ['1 failed', '2 failed', '5 failed'])
  })

  test('the end of the load ends the live line', () => {
    const out = new Sink()
    const hooks = progressHooks(createProgress(out, {isTTY: false, intervalMs: 60_000}))
    hooks.onSample!(sample({}), live)
    hooks.onSample!(sample({second: 1}), {...live, elapsedMs: 2000})
    hooks.onLoadEnd!()
    hooks.log('stopping the replicas and the balancer')
    assert.deepEqual(out.text.trimEnd().split('\n').map((l) => l.split(' · ')[0]), ['steady 1.0s/5.0s', 'steady 2.0s/5.0s', 'stopping the replicas and the balancer'])
  })
})
