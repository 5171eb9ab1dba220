// Swarm replicas against the real engine (a single-node swarm manager, as .ci/run makes it): a killed
// task is replaced by Swarm in the same slot and served again; a paused one is never repaired; the
// service scales out and in and rolls over; stopping leaves no service and no container. Without an
// engine that is a swarm manager this skips, unless CI is set.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import type {ReplicasSpec} from '../../src/model/scenario.js'
import {ensureAppImage} from '../../src/replicas/docker/app-image.js'
import type {Docker} from '../../src/replicas/docker/engine.js'
import {connectSwarmManager, runLabel} from '../../src/replicas/swarm/engine.js'
import {SwarmReplicaSet} from '../../src/replicas/swarm.js'
import {answered, get, replicaScenario, runDir, testRunId} from './replica-scenario.js'

let docker: Docker | undefined
let unreachable = ''
try {
  docker = await connectSwarmManager(3000)
} catch (err) {
  unreachable = (err as Error).message
}
const skip = !docker && !process.env.CI ? `no swarm manager: ${unreachable}` : false

const keepAlive = setInterval(() => {}, 1000)
after(() => clearInterval(keepAlive))

async function leftOf(runId: string): Promise<{services: number; containers: number}> {
  const filters = {label: [`${runLabel}=${runId}`]}
  return {services: (await docker!.listServices({filters})).length, containers: (await docker!.listContainers({all: true, filters})).length}
}

function swarmSet(replicas: Partial<ReplicasSpec>, faults: Array<{action: string; replicas?: number}> = []) {
  const loaded = replicaScenario({kind: 'swarm', image: 'lbbench-hello', restartDelay: 0, ready: {path: '/', timeout: 20_000}, ...replicas})
  loaded.scenario.faults = faults.map((f) => ({at: 0, ...f}))
  const runId = testRunId()
  const set = new SwarmReplicaSet({loaded, runId, runDir: runDir(), log: () => {}})
  const engine: Array<[string, string]> = []
  set.on('engine', (id, kind) => engine.push([id, kind]))
  return {set, runId, engine}
}

/** Resolves with the next `event` of the set for replica `id`. */
function next<E extends 'exit' | 'ready'>(set: SwarmReplicaSet, event: E, id: string): Promise<unknown[]> {
  return new Promise((resolve) => {
    const on = (...args: unknown[]) => {
      const who = typeof args[0] === 'string' ? args[0] : (args[0] as {id: string}).id
      if (who !== id) return
      set.off(event, on as never)
      resolve(args)
    }
    set.on(event, on as never)
  })
}

/** `p`, or a failure naming `what` when it has not settled within `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let late: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (late = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(late)
  }
}

describe('swarm replicas', {skip}, () => {
  before(async () => {
    if (!docker) throw new Error(unreachable) // CI asked for a swarm manager and there is none
    await ensureAppImage(docker, {log: (l) => console.log(`# ${l}`)})
  })

  test('a killed task is replaced in its slot and served again; a paused one is never repaired; stop leaves nothing', async () => {
    const {set, runId, engine} = swarmSet({count: 2})
    try {
      const infos = await set.start()
      assert.deepEqual(infos.map((i) => [i.id, i.state]), [['r1', 'up'], ['r2', 'up']])
      for (const info of infos) {
        const res = await get(info.port)
        assert.ok(typeof res !== 'string' && res.headers['x-lbbench-replica'] === info.id, answered(res))
      }

      const exited = next(set, 'exit', 'r2')
      const back = next(set, 'ready', 'r2')
      const killedAt = Date.now()
      await set.signal('r2', 'SIGKILL')
      const [, detail, planned] = await exited
      assert.match(String(detail), /SIGKILL|137/)
      assert.notEqual(planned, true, 'a kill is no planned retirement')
      const [info] = (await back) as [{port: number; containerId: string}]
      console.log(`# kill → replacement serving: ${Date.now() - killedAt} ms`)
      assert.equal(info.port, infos[1].port, 'the replacement answers on the slot port')
      assert.notEqual(info.containerId, infos[1].containerId)
      const res = await get(info.port)
      assert.ok(typeof res !== 'string' && res.headers['x-lbbench-replica'] === 'r2', answered(res))
      for (const kind of ['task-die', 'task-create', 'task-start']) assert.ok(engine.some(([id, k]) => id === 'r2' && k === kind), `r2 ${kind} in ${JSON.stringify(engine)}`)

      await set.signal('r1', 'SIGSTOP')
      assert.equal(await get(infos[0].port, 500), 'TIMEOUT')
      await new Promise((r) => setTimeout(r, 2000))
      assert.equal(set.list()[0].state, 'paused')
      assert.equal(set.list()[0].containerId, infos[0].containerId, 'Swarm left the paused task alone')
      assert.ok(!engine.some(([id, k]) => id === 'r1' && k === 'task-die'))
      await set.signal('r1', 'SIGCONT')
      assert.ok(typeof (await get(infos[0].port)) !== 'string')
    } finally {
      await set.stop()
    }
    assert.deepEqual(await leftOf(runId), {services: 0, containers: 0})
  })

  test('scale out and in, then a rolling update replaces every task', async () => {
    const {set, runId} = swarmSet({count: 1, update: {parallelism: 1, order: 'stop-first', delay: 0}}, [{action: 'scale', replicas: 2}])
    try {
      const infos = await set.start()
      assert.deepEqual(infos.map((i) => [i.id, i.state]), [['r1', 'up'], ['r2', 'exited']], 'r2 has its port before it runs')
      const r2 = next(set, 'ready', 'r2')
      await set.scale(2)
      await r2
      assert.ok(typeof (await get(infos[1].port)) !== 'string')

      const gone = next(set, 'exit', 'r2')
      const r1gone = next(set, 'exit', 'r1')
      await set.scale(1)
      // Swarm chooses which task a scale-in retires; a retirement is planned, no crash.
      const [id, , planned] = (await Promise.race([gone, r1gone])) as [string, string, boolean]
      assert.equal(planned, true)
      const left = set.list().find((r) => r.id !== id)!

      const before = left.containerId
      const started = Date.now()
      const end = await set.update()
      console.log(`# rolling update of 1 task: ${Date.now() - started} ms`)
      assert.match(end.detail, /^completed/)
      assert.notEqual(set.list().find((r) => r.id === left.id)!.containerId, before, 'the task was replaced')
      for (let i = 0; i < 100 && set.list().find((r) => r.id === left.id)!.state !== 'up'; i++) await new Promise((r) => setTimeout(r, 50))
      assert.ok(typeof (await get(left.port)) !== 'string')
    } finally {
      await set.stop()
    }
    assert.deepEqual(await leftOf(runId), {services: 0, containers: 0})
  })

  test('a task that fails its health check is found unhealthy and replaced by Swarm in its slot, as a crash; the other is left alone', async () => {
    const {set, runId, engine} = swarmSet({count: 2, healthCheck: {path: '/', interval: 500, timeout: 2000, retries: 1, startPeriod: 0}})
    try {
      const infos = await set.start()
      const exited = next(set, 'exit', 'r1')
      const back = next(set, 'ready', 'r1')
      const failedAt = Date.now()
      await set.control('r1', {errorRate: 1, errorStatus: 500})
      const res = await get(infos[0].port)
      assert.ok(typeof res !== 'string' && res.status === 500, answered(res))
      const [, detail, planned] = await within(exited, 30_000, 'r1 replaced after failing its health checks')
      assert.match(String(detail), /, replaced after the engine found it unhealthy$/)
      assert.notEqual(planned, true, 'a health-triggered replacement is no planned retirement')
      const [info] = (await within(back, 30_000, 'r1 back')) as [{port: number; containerId: string}]
      console.log(`# failing health checks → replacement serving: ${Date.now() - failedAt} ms`)
      assert.equal(info.port, infos[0].port, 'the replacement answers on the slot port')
      assert.notEqual(info.containerId, infos[0].containerId)
      const again = await get(info.port)
      assert.ok(typeof again !== 'string' && again.status === 200, `the new task has the configured behaviour: ${answered(again)}`)
      const r1 = engine.filter(([id]) => id === 'r1').map(([, kind]) => kind)
      assert.ok(r1.indexOf('task-unhealthy') >= 0 && r1.indexOf('task-unhealthy') < r1.indexOf('task-die'), `r1: ${r1.join(', ')}`)
      const r2 = engine.filter(([id]) => id === 'r2').map(([, kind]) => kind)
      assert.ok(!r2.includes('task-die') && !r2.includes('task-unhealthy'), `r2: ${r2.join(', ')}`)
      assert.equal(set.list()[1].containerId, infos[1].containerId)
    } finally {
      await set.stop()
    }
    assert.deepEqual(await leftOf(runId), {services: 0, containers: 0})
  })
})
