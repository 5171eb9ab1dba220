import {test, describe, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {ProcessReplicaSet} from '../../src/replicas/process.js'
import {processesOfRun} from '../../src/process/processes-of-run.js'
import {NOT_LISTENING, answered, get, replicaScenario, runDir, testRunId} from './replica-scenario.js'

// The seed's app, started the way scenarios/seed-sinatra.yaml starts it.
const hasRackup = spawnSync('sh', ['-c', 'command -v rackup && ruby -e "require %q(sinatra/base); require %q(puma)"']).status === 0
const skip = !hasRackup && !process.env.CI ? 'rackup, Sinatra or Puma is not installed (apt-get install ruby-sinatra puma)' : false

const keepAlive = setInterval(() => {}, 1000)
after(() => clearInterval(keepAlive))

describe('the Sinatra seed app as process replicas', {skip}, () => {
  test('two rackup replicas answer Hello World!; with one killed the other still does', async () => {
    const runId = testRunId()
    const loaded = replicaScenario(
      {
        kind: 'process',
        count: 2,
        cwd: '..',
        command: 'rackup -E production -s puma -p $PORT -o 127.0.0.1 apps/sinatra/config.ru',
        ready: {path: '/', timeout: 30_000},
      },
      join(process.cwd(), 'scenarios', 'seed-sinatra.yaml'),
    )
    const set = new ProcessReplicaSet({loaded, runId, runDir: runDir(), log: () => {}})
    try {
      const infos = await set.start()
      for (const info of infos) {
        const res = await get(info.port)
        assert.ok(typeof res !== 'string', answered(res))
        assert.equal(res.status, 200)
        assert.equal(res.body, 'Hello World!')
        assert.equal(res.headers['x-lbbench-replica'], info.id)
      }
      const exited = new Promise<string>((resolve) => set.once('exit', (id) => resolve(id)))
      await set.signal('r2', 'SIGKILL')
      assert.equal(await exited, 'r2')
      assert.match(answered(await get(infos[1].port, 1000)), NOT_LISTENING)
      for (let i = 0; i < 5; i++) {
        const res = await get(infos[0].port)
        assert.ok(typeof res !== 'string' && res.body === 'Hello World!')
      }
    } finally {
      await set.stop()
    }
    assert.deepEqual(processesOfRun(runId), [])
  })
})
