// processAlive, with real processes: a process that has exited but not been reaped (a zombie) is not
// alive, though kill(pid, 0) still finds it. Here PID 1 reaps orphans a second or two late, so every
// "nothing is left after a SIGKILL" check would otherwise count a proxy that exited at once as left.
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {processAlive} from '../../src/process/process-alive.js'
import {isAlive, processStartTime} from '../../src/process/processes-of-run.js'
import {statFields} from '../../src/process/proc-stat.js'
import {processGroupOf} from '../../src/process/process-group.js'
import {waitFor} from '../helpers/wait-for.js'

const state = (pid: number): string | undefined => statFields(pid)?.[0]

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

describe('statFields', () => {
  test('counts the fields from past the command name, even one holding spaces and parentheses', async () => {
    // The shell renames itself (/proc/PID/comm) and waits; its stat line then reads "PID (a) b (c) S PPID …".
    const child = spawn('sh', ['-c', 'printf "a) b (c" > /proc/$$/comm && echo renamed && read x'], {stdio: ['pipe', 'pipe', 'inherit'], detached: true})
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve))
      assert.match(readFileSync(`/proc/${child.pid}/stat`, 'utf8'), /^\d+ \(a\) b \(c\) /)
      const fields = statFields(child.pid!)!
      assert.equal(fields[0], 'S', 'its state: waiting in read')
      assert.equal(Number(fields[1]), process.pid, 'its parent')
      assert.equal(processGroupOf(child.pid!), child.pid, 'detached: the leader of its own group')
      assert.ok(processStartTime(child.pid!)! > 0)
    } finally {
      child.kill('SIGKILL')
    }
    await new Promise((resolve) => child.once('exit', resolve))
    assert.equal(statFields(child.pid!), undefined, 'gone once reaped')
  })
})
