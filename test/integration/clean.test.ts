import {test, describe, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cleanLeftovers} from '../../src/run/leftovers.js'
import {processStartTime} from '../../src/process/processes-of-run.js'
import {readRunStates, removeRunState, runStateDir, writeRunState} from '../../src/run/state-file.js'
import {testRunId} from './replica-scenario.js'
import {processAlive} from '../../src/process/process-alive.js'
import {waitFor} from '../helpers/wait-for.js'

/** The pid of a process that has exited: nothing runs under it (until it is reused). */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$'], {encoding: 'utf8'})
  return Number(r.stdout.trim())
}

const started: number[] = []
after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone
    }
  }
})

function sleeper(env: Record<string, string> = {}): number {
  const p = spawn('sleep', ['30'], {env: {...process.env, ...env}, stdio: 'ignore', detached: true})
  p.unref()
  started.push(p.pid!)
  return p.pid!
}

describe('lbbench clean', () => {
  test('a dead run: its processes, temporary folders and state file are removed; --dry-run only lists them', async () => {
    const runId = testRunId()
    const orphan = sleeper({LBBENCH_RUN_ID: runId})
    const folder = mkdtempSync(join(tmpdir(), 'lbbench-clean-test-'))
    await writeRunState({runId, runDir: '/nonexistent', orchestratorPid: deadPid(), startedAt: new Date().toISOString(), pids: [orphan], tempDirs: [folder, '/etc']})

    const dry = await cleanLeftovers({dryRun: true, dockerTimeoutMs: 500})
    assert.ok(dry.runs.includes(runId))
    assert.deepEqual(dry.processes.filter((p) => p.runId === runId).map((p) => p.pid), [orphan])
    assert.ok(processAlive(orphan) && existsSync(folder))
    assert.ok((await readRunStates()).some((s) => s.state.runId === runId))

    const r = await cleanLeftovers({dockerTimeoutMs: 500})
    assert.deepEqual(r.processes.filter((p) => p.runId === runId).map((p) => p.pid), [orphan])
    assert.ok(r.folders.includes(folder))
    assert.ok(r.leftAlone.some((n) => n.includes('/etc is not in')), 'a folder outside the temporary folder is left alone')
    await waitFor(() => !processAlive(orphan), 2000, 'the orphan killed')
    assert.equal(existsSync(folder), false)
    assert.equal(existsSync('/etc'), true)
    assert.equal((await readRunStates()).some((s) => s.state.runId === runId), false)
  })

  test('a live run is never touched', async () => {
    const runId = testRunId()
    const child = sleeper({LBBENCH_RUN_ID: runId})
    await writeRunState({runId, runDir: '/nonexistent', orchestratorPid: process.pid, startedAt: new Date().toISOString(), pids: [child]})
    const r = await cleanLeftovers({dockerTimeoutMs: 500})
    assert.equal(r.runs.includes(runId), false)
    assert.ok(r.leftAlone.some((n) => n.includes(`run ${runId} is still running`)))
    assert.ok(processAlive(child))
    await removeRunState(runId)
  })

  test('a reused pid is neither taken for a live orchestrator nor killed', async () => {
    const runId = testRunId()
    // A stranger now holds the orchestrator's old pid (its start time differs) and a recorded replica pid.
    const stranger = sleeper()
    await writeRunState({
      runId, runDir: '/nonexistent', orchestratorPid: stranger, orchestratorStart: (processStartTime(stranger) ?? 0) - 1,
      startedAt: new Date().toISOString(), pids: [stranger],
    })
    const r = await cleanLeftovers({dockerTimeoutMs: 500})
    assert.ok(r.runs.includes(runId), 'the run is recognised as dead')
    assert.deepEqual(r.processes.filter((p) => p.runId === runId), [])
    assert.ok(processAlive(stranger))
  })

  test('a state file cut off before its rename by a killed orchestrator: the newer state in it is cleaned up and it is removed; one still being written is left alone', async () => {
    const runId = testRunId()
    const [older, newer, stillWritten] = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'lbbench-clean-test-')))
    const base = {runId, runDir: '/nonexistent', orchestratorPid: deadPid(), startedAt: new Date().toISOString(), pids: []}
    const file = await writeRunState({...base, tempDirs: [older]})
    // writeRunState's own temporary name: <state file>.<writer's pid>.tmp, renamed over the state file.
    const abandoned = `${file}.${base.orchestratorPid}.tmp`
    writeFileSync(abandoned, JSON.stringify({...base, tempDirs: [older, newer]}))
    const cutOff = join(runStateDir(), `${testRunId()}.json.${deadPid()}.tmp`)
    writeFileSync(cutOff, '{"runId": "cut-')
    const inProgress = join(runStateDir(), `${testRunId()}.json.${process.pid}.tmp`)
    writeFileSync(inProgress, JSON.stringify({...base, runId: testRunId(), tempDirs: [stillWritten]}))
    try {
      const dry = await cleanLeftovers({dryRun: true, dockerTimeoutMs: 500})
      assert.deepEqual(dry.folders.filter((f) => [older, newer, stillWritten].includes(f)), [older, newer])
      assert.ok([file, abandoned, cutOff].every((f) => dry.stateFiles.includes(f) && existsSync(f)))

      const r = await cleanLeftovers({dockerTimeoutMs: 500})
      assert.deepEqual(r.runs.filter((id) => id === runId), [runId], 'one run, from both of its files')
      for (const gone of [older, newer, file, abandoned, cutOff]) assert.equal(existsSync(gone), false, gone)
      assert.equal(r.stateFiles.includes(inProgress), false)
      assert.ok(existsSync(inProgress) && existsSync(stillWritten), 'a write whose writer lives is left alone')
    } finally {
      rmSync(inProgress, {force: true})
      rmSync(stillWritten, {recursive: true, force: true})
    }
  })
})
