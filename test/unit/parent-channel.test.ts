import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {fork} from 'node:child_process'
import {once} from 'node:events'
import {sendToParent, type ParentChannel} from '../../src/process/parent-channel.js'

/** Forks the busy sender, disconnects while it is busy, and gives its exit code and what it wrote to stderr. */
async function disconnectWhileBusy(mode: 'raw' | 'guarded'): Promise<{code: number | null; stderr: string}> {
  const child = fork('test/fixtures/busy-child-sender.ts', [mode], {execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc']})
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  await once(child, 'message')
  child.send('block')
  await once(child, 'message') // busy: it cannot read the channel's close until it sends again
  child.disconnect()
  const [code] = (await once(child, 'exit')) as [number | null]
  return {code, stderr}
}

describe('sending to a parent that went away', () => {
  test('a write into the closed channel (EPIPE) ends the child quietly, where a bare process.send crashed it', async () => {
    // The way the proxy sent before: the EPIPE is an unhandled 'error' event on process.
    const raw = await disconnectWhileBusy('raw')
    assert.equal(raw.code, 1, raw.stderr)
    assert.match(raw.stderr, /EPIPE/)
    const guarded = await disconnectWhileBusy('guarded')
    assert.equal(guarded.code, 0, guarded.stderr)
    assert.doesNotMatch(guarded.stderr, /EPIPE|Error/)
  })

  test('a closed channel, a failed write or a throwing send: onGone once, then', async () => {
    const calls: string[] = []
    const opts = {onGone: () => calls.push('gone'), then: () => calls.push('then')}
    sendToParent({}, opts, {connected: false})
    const failing: ParentChannel = {connected: true, send: (_m, _h, _o, callback) => (setImmediate(() => callback(Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))), false)}
    sendToParent({}, opts, failing)
    await new Promise((resolve) => setImmediate(resolve))
    sendToParent({}, opts, {connected: true, send: () => { throw new Error('ERR_IPC_CHANNEL_CLOSED') }})
    const ok: ParentChannel = {connected: true, send: (_m, _h, _o, callback) => (callback(null), true)}
    sendToParent({}, opts, ok)
    assert.deepEqual(calls, ['gone', 'then', 'gone', 'then', 'gone', 'then', 'then'])
  })
})
