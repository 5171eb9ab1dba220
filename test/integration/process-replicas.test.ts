import {test, describe, after} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {ProcessReplicaSet} from '../../src/replicas/process.js'
import {RunError} from '../../src/model/errors.js'
import {groupMembers} from '../../src/process/process-group.js'
import {processesOfRun} from '../../src/process/processes-of-run.js'
import type {ReplicasSpec} from '../../src/model/scenario.js'
import {NOT_LISTENING, answered, get, replicaScenario, runDir, testRunId} from './replica-scenario.js'
import {startHolder} from './holder.js'
import {describeWait, exitedInTime} from '../helpers/exit-in-time.js'
import {processAlive} from '../../src/process/process-alive.js'
import {waitFor} from '../helpers/wait-for.js'

// A tiny server: answers "<REPLICA> <HOST> <GREETING>" on PORT; /health says 503 for its first 300 ms.
const server = `node -e "
const t0 = Date.now()
console.log('listening on', process.env.PORT)
require('http').createServer((q, s) => {
  if (q.url === '/health') { s.statusCode = Date.now() - t0 > 300 ? 200 : 503; return s.end() }
  s.end(process.env.REPLICA + ' ' + process.env.HOST + ' ' + process.env.GREETING)
}).listen(Number(process.argv[1]), '127.0.0.1')
" $PORT`

const sets: ProcessReplicaSet[] = []
function replicaSet(spec: Partial<ReplicasSpec>, runId = testRunId()) {
  const dir = runDir()
  const set = new ProcessReplicaSet({loaded: replicaScenario({kind: 'process', ...spec}), runId, runDir: dir, log: () => {}})
  sets.push(set)
  return {set, dir, runId}
}
// Replica processes do not hold the event loop (their guards are unref'd, as in a run where the load
// generator does); a test that only awaits an event needs something that does.
const keepAlive = setInterval(() => {}, 1000)
after(async () => {
  await Promise.all(sets.map((s) => s.stop()))
  clearInterval(keepAlive)
})

describe('process replicas', () => {
  test('start, ready by port, env and $PORT substitution, logs', async () => {
    const {set, dir, runId} = replicaSet({command: server, count: 2, env: {GREETING: 'hi'}})
    const infos = await set.start()
    assert.deepEqual(infos.map((i) => [i.id, i.state, i.host]), [['r1', 'up', '127.0.0.1'], ['r2', 'up', '127.0.0.1']])
    assert.notEqual(infos[0].port, infos[1].port)
    for (const info of infos) {
      assert.ok(info.port < 32768, `port ${info.port} is below the ephemeral range`)
      const res = await get(info.port)
      assert.equal(typeof res === 'string' ? res : res.body, `${info.id} 127.0.0.1 hi`)
      assert.match(readFileSync(join(dir, 'replicas', `${info.id}.log`), 'utf8'), new RegExp(`listening on ${info.port}`))
    }
    assert.ok(processesOfRun(runId).length >= 2)
    await set.stop()
    await set.stop() // idempotent
    assert.deepEqual(processesOfRun(runId), [])
    assert.deepEqual(set.list().map((i) => i.state), ['exited', 'exited'])
  })

  test('ready by path waits for a 2xx answer', async () => {
    const {set} = replicaSet({command: server, count: 1, ready: {path: '/health', timeout: 10_000}})
    const [info] = await set.start()
    const res = await get(info.port, 2000, '/health')
    assert.equal(typeof res === 'string' ? res : res.status, 200)
    await set.stop()
  })

  test('a command that fails at start: RunError (exit 3) with the tail of its output', async () => {
    const {set, runId} = replicaSet({command: 'echo preparing; echo boom-at-start >&2; exit 7', count: 2})
    await assert.rejects(set.start(), (err: unknown) => {
      assert.ok(err instanceof RunError)
      assert.equal(err.exitCode, 3)
      assert.match(err.message, /did not become ready: exited with code 7/)
      assert.match(err.message, /preparing\nboom-at-start/)
      return true
    })
    assert.deepEqual(processesOfRun(runId), [])
  })

  test('a command that never listens: RunError after ready.timeout', async () => {
    const {set, runId} = replicaSet({command: 'echo waiting; sleep 30', count: 1, ready: {timeout: 800}})
    await assert.rejects(set.start(), /r1 did not become ready: not ready after 0.8 s[\s\S]*waiting/)
    assert.deepEqual(processesOfRun(runId), [])
  })

  test('pause makes requests hang, resume serves them again', async () => {
    const {set} = replicaSet({command: server, count: 1})
    const [info] = await set.start()
    await set.signal('r1', 'SIGSTOP')
    assert.equal(set.list()[0].state, 'paused')
    assert.equal(await get(info.port, 500), 'TIMEOUT')
    await set.signal('r1', 'SIGCONT')
    assert.equal(set.list()[0].state, 'up')
    const res = await get(info.port)
    assert.equal(typeof res === 'string' ? res : res.status, 200)
    await set.stop()
  })

  test('kill emits exit; restart serves again on the same port', async () => {
    const {set} = replicaSet({command: server, count: 2})
    const [r1] = await set.start()
    const exited = new Promise<[string, string]>((resolve) => set.once('exit', (id, detail) => resolve([id, detail])))
    await set.signal('r1', 'SIGKILL')
    const [id, detail] = await exited
    assert.equal(id, 'r1')
    assert.match(detail, /killed by SIGKILL|exited with code 137/)
    assert.equal(set.list()[0].state, 'exited')
    assert.match(answered(await get(r1.port, 500)), NOT_LISTENING)
    const ready = new Promise((resolve) => set.once('ready', resolve))
    const again = await set.restart('r1')
    await ready
    assert.equal(again.port, r1.port)
    const res = await get(r1.port)
    assert.equal(typeof res === 'string' ? res : res.body, 'r1 127.0.0.1 undefined')
    // A paused replica restarted: stopped (exit event) and started again on its port.
    await set.signal('r2', 'SIGSTOP')
    const r2exit = new Promise<string>((resolve) => set.once('exit', (exitId) => resolve(exitId)))
    await set.restart('r2')
    assert.equal(await r2exit, 'r2')
    assert.equal(set.list()[1].state, 'up')
    assert.ok(typeof (await get(set.list()[1].port)) !== 'string')
    await set.stop()
  })

  test('signals reach the whole process group: a shell and its background child', async () => {
    const {set, runId} = replicaSet({command: `${server} & wait`, count: 1})
    const [info] = await set.start()
    const members = groupMembers(info.pid!)
    assert.ok(members.length >= 2, `shell and node in the group: ${members}`)
    const exited = new Promise((resolve) => set.once('exit', resolve))
    await set.signal('r1', 'SIGKILL')
    await exited
    await waitFor(() => groupMembers(info.pid!).length === 0, 2000)
    assert.deepEqual(processesOfRun(runId), [])
    await set.restart('r1')
    assert.ok(groupMembers(set.list()[0].pid!).length >= 2)
    await set.stop()
    assert.deepEqual(processesOfRun(runId), [])
  })

  test('replicas die with an orchestrator that is SIGKILLed', async () => {
    const runId = testRunId()
    const loaded = replicaScenario({kind: 'process', command: `${server} & wait`, count: 2})
    const {holder, pids} = await startHolder('process', loaded, runDir(), runId)
    assert.ok(processesOfRun(runId).length >= 4)
    holder.kill('SIGKILL')
    const wait = await exitedInTime(() => [...new Set([...processesOfRun(runId), ...pids.filter(processAlive)])], 2500)
    assert.deepEqual(wait.left, [], describeWait(wait, 2500))
  })
})

