// processAlive, with real processes: a process that has exited but not been reaped (a zombie) is not
// alive, though kill(pid, 0) still finds it. Here PID 1 reaps orphans a second or two late, so every
// "nothing is left after a SIGKILL" check would otherwise count a proxy that exited at once as left.
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {processAlive} from '../../src/process/process-alive.js'
import {isAlive, processStartTime} from '../../src/process/processes-of-run.js'
import {waitFor} from '../helpers/wait-for.js'

function state(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(')') + 2]
  } catch {
    return undefined
  }
}

describe('processAlive', () => {
  test('a running process is alive; an exited, unreaped one is not, though kill(pid, 0) finds it', async () => {
    // `sleep 0` is the shell's child; the shell then becomes `sleep 5`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], {stdio: ['ignore', 'pipe', 'inherit']})
    try {
      const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))))
      assert.equal(processAlive(parent.pid!), true)
      await waitFor(() => state(zombie) === 'Z', 5000, 'sleep 0 exited and waiting to be reaped')
      assert.doesNotThrow(() => process.kill(zombie, 0), 'kill(pid, 0) still finds it')
      assert.equal(processAlive(zombie), false)
      assert.equal(isAlive(zombie), false, 'nor is it a run still going')
      assert.equal(isAlive(parent.pid!, processStartTime(parent.pid!)), true)
      assert.equal(isAlive(parent.pid!, processStartTime(parent.pid!)! - 1), false, 'another process under a reused pid')
    } finally {
      parent.kill('SIGKILL')
    }
  })

  test('a pid nothing runs under is not alive', async () => {
    const done = spawn('true')
    await new Promise((r) => done.once('exit', r))
    assert.equal(processAlive(done.pid!), false)
  })
})
