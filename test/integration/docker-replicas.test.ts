import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DockerReplicaSet, pidLabel, pidStartLabel, runLabel} from '../../src/replicas/docker.js'
import {connectDocker, type Docker} from '../../src/replicas/docker/engine.js'
import {ensureAppImage} from '../../src/replicas/docker/app-image.js'
import {folderTag} from '../../src/replicas/docker/build-folder.js'
import {cleanLeftovers} from '../../src/run/leftovers.js'
import {processStartTime} from '../../src/process/processes-of-run.js'
import {readRunStates} from '../../src/run/state-file.js'
import {NOT_LISTENING, answered, get, replicaScenario, runDir, testRunId} from './replica-scenario.js'
import {startHolder} from './holder.js'

// Needs a Docker engine; the base and app images are built here if missing (the same code as
// `npm run docker:base`). Without an engine this skips, unless CI is set.
let docker: Docker | undefined
let unreachable = ''
try {
  docker = await connectDocker(3000)
} catch (err) {
  unreachable = (err as Error).message
}
const skip = !docker && !process.env.CI ? `no Docker engine: ${unreachable}` : false

const keepAlive = setInterval(() => {}, 1000)
after(() => clearInterval(keepAlive))

async function containersOf(runId: string): Promise<string[]> {
  const list = await docker!.listContainers({all: true, filters: {label: [`${runLabel}=${runId}`]}})
  return list.map((c) => c.Id)
}

describe('docker replicas', {skip}, () => {
  before(async () => {
    if (!docker) throw new Error(unreachable) // CI asked for docker and there is none
    await ensureAppImage(docker, {log: (l) => console.log(`# ${l}`)})
  })

  test('three containers of the built-in app: start, serve, kill → exit, restart → serve, stop → none left', async () => {
    const runId = testRunId()
    const dir = runDir()
    const loaded = replicaScenario({kind: 'docker', count: 3, image: 'lbbench-hello', overrides: {r3: {body: 5}}})
    const set = new DockerReplicaSet({loaded, runId, runDir: dir, log: () => {}})
    try {
      const infos = await set.start()
      assert.deepEqual(infos.map((i) => [i.id, i.state]), [['r1', 'up'], ['r2', 'up'], ['r3', 'up']])
      assert.equal((await containersOf(runId)).length, 3)
      for (const info of infos) {
        const res = await get(info.port)
        assert.ok(typeof res !== 'string', answered(res))
        assert.equal(res.headers['x-lbbench-replica'], info.id)
        assert.equal(res.body.length, info.id === 'r3' ? 5 : 12)
      }
      assert.equal(set.pids().length, 3)

      const exited = new Promise<[string, string]>((resolve) => set.once('exit', (id, detail) => resolve([id, detail])))
      await set.signal('r2', 'SIGKILL')
      const [id, detail] = await exited
      assert.equal(id, 'r2')
      assert.match(detail, /SIGKILL|137/)
      assert.match(answered(await get(infos[1].port, 1000)), NOT_LISTENING)
      const again = await set.restart('r2')
      assert.equal(again.port, infos[1].port)
      const res = await get(again.port)
      assert.ok(typeof res !== 'string' && res.headers['x-lbbench-replica'] === 'r2')

      await set.signal('r1', 'SIGSTOP')
      assert.equal(await get(infos[0].port, 500), 'TIMEOUT')
      await set.signal('r1', 'SIGCONT')
      assert.ok(typeof (await get(infos[0].port)) !== 'string')

      await set.control('r3', {errorRate: 1, errorStatus: 503})
      const failing = await get(infos[2].port)
      assert.ok(typeof failing !== 'string' && failing.status === 503)

      // A paused replica restarted: stopped (exit event) and started again.
      await set.signal('r1', 'SIGSTOP')
      const r1exit = new Promise<string>((resolve) => set.once('exit', (exitId) => resolve(exitId)))
      await set.restart('r1')
      assert.equal(await r1exit, 'r1')
      assert.ok(typeof (await get(infos[0].port)) !== 'string')

      assert.match(readFileSync(join(dir, 'replicas', 'r2.log'), 'utf8'), /"type":"listening","replica":"r2"[\s\S]*"type":"listening","replica":"r2"/)
    } finally {
      await set.stop()
      await set.stop()
    }
    assert.deepEqual(await containersOf(runId), [])
  })

  test('build: a folder with a Dockerfile; a container that exits at start → RunError (exit 3) with its output', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lbbench-build-test-'))
    writeFileSync(join(folder, 'Dockerfile'), `FROM lbbench-node:20\nCMD ["node", "-e", "console.log('about to fail'); process.exit(3)"]\n`)
    const runId = testRunId()
    const loaded = replicaScenario({kind: 'docker', count: 1, build: folder, ready: {timeout: 5000}})
    const set = new DockerReplicaSet({loaded, runId, runDir: runDir(), log: () => {}})
    await assert.rejects(set.start(), (err: Error & {exitCode?: number}) => {
      assert.equal(err.exitCode, 3)
      assert.match(err.message, /r1 did not become ready: exited with code 3[\s\S]*about to fail/)
      return true
    })
    assert.deepEqual(await containersOf(runId), [])
    const {tag} = folderTag(folder)
    assert.match(tag, /^lbbench-build:[0-9a-f]{12}$/)
    assert.equal((await docker!.getImage(tag).inspect()).RepoTags?.includes(tag), true)
    rmSync(folder, {recursive: true})
  })

  test('containers left by a SIGKILLed orchestrator are removed by clean; a live run\'s are not', async () => {
    const runId = testRunId()
    const loaded = replicaScenario({kind: 'docker', count: 2, image: 'lbbench-hello'})
    const {holder, infos} = await startHolder('docker', loaded, runDir(), runId, true)
    assert.equal(infos.length, 2)
    holder.kill('SIGKILL')
    await new Promise((r) => holder.once('exit', r))
    assert.equal((await containersOf(runId)).length, 2, 'containers outlive a SIGKILLed orchestrator')

    // A container of a live run (this process), with no state file: judged by its labels.
    const liveRun = testRunId()
    const live = await docker!.createContainer({
      Image: 'lbbench-hello',
      name: `lbbench-${liveRun}-r1`,
      Labels: {[runLabel]: liveRun, [pidLabel]: String(process.pid), [pidStartLabel]: String(processStartTime(process.pid))},
      HostConfig: {NetworkMode: 'host'},
    })
    try {
      const r = await cleanLeftovers()
      assert.ok(r.runs.includes(runId))
      assert.equal(r.containers.filter((c) => c.runId === runId).length, 2)
      assert.deepEqual(await containersOf(runId), [])
      assert.equal(r.runs.includes(liveRun), false)
      assert.equal((await containersOf(liveRun)).length, 1)
      assert.equal((await readRunStates()).some((s) => s.state.runId === runId), false)
    } finally {
      await live.remove({force: true})
    }
  })
})

describe('docker engine not reachable', () => {
  test('DOCKER_HOST is honoured and an unreachable engine is a RunError (exit 3) that says how to fix it', async () => {
    const saved = process.env.DOCKER_HOST
    try {
      for (const host of ['unix:///nonexistent/docker.sock', 'tcp://127.0.0.1:1']) {
        process.env.DOCKER_HOST = host
        const set = new DockerReplicaSet({loaded: replicaScenario({kind: 'docker', image: 'lbbench-hello'}), runId: testRunId(), runDir: runDir(), log: () => {}})
        await assert.rejects(set.start(), (err: Error & {exitCode?: number}) => {
          assert.equal(err.exitCode, 3)
          assert.ok(err.message.startsWith(`Docker is not reachable at ${host}: start dockerd (apt-get install docker.io; dockerd &) or set DOCKER_HOST`), err.message)
          return true
        })
        await set.stop()
      }
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST
      else process.env.DOCKER_HOST = saved
    }
  })
})
