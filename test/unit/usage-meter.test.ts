// UsageMeter: a process's own CPU and event-loop utilisation since it last looked (the generator and the
// built-in proxy report it once a second, so a saturated one shows). A window spent running reads as
// busy and one spent waiting as idle, each measured from the previous take.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'
import {UsageMeter} from '../../src/process/usage-meter.js'

test('a window spent running reads as a busy loop and more CPU than one spent waiting', async () => {
  const meter = new UsageMeter()
  meter.take()
  const start = performance.now()
  while (performance.now() - start < 60);
  const running = meter.take()
  await sleep(120)
  const waiting = meter.take()
  // Utilisation is wall-clock time in the loop's callbacks, so it holds on a busy machine; CPU only compares.
  assert.ok(running.elu > 0.9, `running: ${JSON.stringify(running)}`)
  assert.ok(waiting.elu < 0.2, `waiting: ${JSON.stringify(waiting)}`)
  assert.ok(running.cpuPct > waiting.cpuPct, `cpu ${running.cpuPct}% running, ${waiting.cpuPct}% waiting`)
})
