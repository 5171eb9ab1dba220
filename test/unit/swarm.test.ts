// What swarm replicas add that needs no engine: the scenario checks (start-first refused with why, the
// update and scale faults only for swarm replicas, scale needs its count, the health check's), the per-slot
// environment of the service and its health check (run here as Docker would run it), the task events read from the engine, and the failover figures the engine's events give
// (a replacement's times, a rolling update's row).
import {spawn} from 'node:child_process'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {stringify} from 'yaml'
import type Dockerode from 'dockerode'
import {rollingUpdateRows} from '../../src/metrics/rolling-update.js'
import {withReplacement} from '../../src/metrics/replacement.js'
import {ScenarioError} from '../../src/model/errors.js'
import type {FailoverReport, SeriesPoint, TimelineEvent} from '../../src/model/report.js'
import {healthCheckOf, replicaServiceSpec, serviceNameOf} from '../../src/replicas/swarm/service-spec.js'
import {taskEventOf} from '../../src/replicas/swarm/task-events.js'
import {parseScenarioText} from '../../src/scenario/load.js'

function exitCode(command: string, args: string[], env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve) => spawn(command, args, {env, stdio: 'ignore'}).once('exit', resolve))
}

function problems(doc: object): string[] {
  try {
    parseScenarioText(stringify({name: 'a', ...doc}), 's.yaml')
    return []
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e))
    assert.equal(e.exitCode, 2)
    return e.problems.map((p) => `${p.path}: ${p.message}`)
  }
}

describe('swarm scenarios', () => {
  test('start-first is refused at validation, saying why', () => {
    const found = problems({replicas: {kind: 'swarm', update: {order: 'start-first'}}})
    assert.equal(found.length, 1, found.join('\n'))
    assert.match(found[0], /^replicas\.update\.order: start-first cannot work with swarm replicas: they use host networking.*EADDRINUSE.*use stop-first$/)
  })

  test('update and scale act on a swarm service only; scale needs its count', () => {
    const faults = [{at: '1s', action: 'update'}, {at: '2s', action: 'scale', replicas: 3}]
    assert.deepEqual(problems({replicas: {kind: 'docker', image: 'x'}, faults}), [
      'faults.0.action: update acts on a swarm service, and only swarm replicas have one; replicas.kind is docker',
      'faults.1.action: scale acts on a swarm service, and only swarm replicas have one; replicas.kind is docker',
    ])
    assert.deepEqual(problems({replicas: {kind: 'swarm'}, faults}), [])
    assert.deepEqual(problems({replicas: {kind: 'swarm'}, faults: [{at: '1s', action: 'scale'}]}), [
      'faults.0.replicas: is missing; a scale fault needs the new replica count, like replicas: 4',
    ])
  })

  test('restartDelay and update resolve to milliseconds, with update defaults', () => {
    const s = parseScenarioText(stringify({name: 'a', replicas: {kind: 'swarm', restartDelay: '0s', update: {parallelism: 2}}}), 's.yaml').scenario
    assert.equal(s.replicas.restartDelay, 0)
    assert.deepEqual(s.replicas.update, {parallelism: 2, order: 'stop-first', delay: 0})
    assert.match(problems({replicas: {kind: 'swarm', restartDelay: 5}})[0], /^replicas\.restartDelay: durations carry a unit/)
  })

  test("healthCheck: Docker's defaults; path probes the built-in app, another image needs command; Docker's least times", () => {
    const hc = (doc: object) => parseScenarioText(stringify({name: 'a', replicas: {kind: 'swarm', ...doc}}), 's.yaml').scenario.replicas.healthCheck
    assert.deepEqual(hc({healthCheck: {}}), {interval: 30_000, timeout: 30_000, retries: 3, startPeriod: 0})
    assert.deepEqual(hc({image: 'lbbench-hello:latest', healthCheck: {path: '/health', interval: '500ms', timeout: '1s', retries: 1, startPeriod: '2s'}}), {path: '/health', interval: 500, timeout: 1000, retries: 1, startPeriod: 2000})
    assert.deepEqual(hc({image: 'nginx', healthCheck: {command: 'true'}})?.command, 'true')
    assert.equal(hc({}), undefined, "no health check unless asked: the image's own applies")
    assert.deepEqual(problems({replicas: {kind: 'swarm', healthCheck: {path: '/', command: 'true'}}}), ['replicas.healthCheck.command: give path or command, not both'])
    assert.deepEqual(problems({replicas: {kind: 'swarm', build: 'app', healthCheck: {path: '/'}}}), [
      'replicas.healthCheck.path: path probes the built-in app (lbbench-hello), which has node to send it; another image needs command, a shell command run in the task ($PORT is set)',
    ])
    assert.deepEqual(problems({replicas: {kind: 'swarm', image: 'nginx', healthCheck: {interval: '1s'}}}), [
      'replicas.healthCheck: needs command for an image other than lbbench-hello: a shell command run in the task ($PORT is set), exit 0 when healthy, e.g. wget -q -O /dev/null http://127.0.0.1:$PORT/health',
    ])
    assert.deepEqual(problems({replicas: {kind: 'swarm', healthCheck: {interval: '500us'}}}), ["replicas.healthCheck.interval: must be at least 1ms (Docker's least); got 500us"])
    assert.deepEqual(problems({replicas: {kind: 'swarm', healthCheck: {startPeriod: '100us'}}}), ["replicas.healthCheck.startPeriod: must be 0s or at least 1ms (Docker's least); got 100us"])
    assert.deepEqual(problems({replicas: {kind: 'swarm', healthCheck: {path: 'health'}}}), ['replicas.healthCheck.path: expected a path starting with /, like /health; got "health"'])
    assert.match(problems({replicas: {kind: 'docker', image: 'x', healthCheck: {command: 'true'}}})[0], /^replicas\.healthCheck: .*swarm/)
  })
})

describe('the swarm service', () => {
  const loaded = parseScenarioText(stringify({name: 'a', seed: 7, replicas: {kind: 'swarm', count: 2, restartDelay: '0s', overrides: {r2: {body: 5}}}}), 's.yaml')
  const slots = [{slot: 1, port: 9001, controlPort: 9101}, {slot: 2, port: 9002, controlPort: 9102}, {slot: 3, port: 9003, controlPort: 9103}]
  const base = {runId: 'My Run_1-abcd', scenario: loaded.scenario, imageId: 'sha256:1', slots, token: 't', nodeId: 'n1'}

  test('one environment for every task: the per-slot values as NAME_<slot>, the slot from Swarm', () => {
    const spec = replicaServiceSpec({...base, builtinApp: true, imageCommand: []})
    const task = spec.TaskTemplate as Dockerode.ContainerTaskSpec
    const env = task.ContainerSpec!.Env!
    for (const e of ['PORT_1=9001', 'PORT_3=9003', 'LBBENCH_CONTROL_PORT_2=9102', 'LBBENCH_SLOT={{.Task.Slot}}', 'REPLICA=r{{.Task.Slot}}', 'HOST=127.0.0.1']) assert.ok(env.includes(e), e)
    assert.equal(JSON.parse(env.find((e) => e.startsWith('LBBENCH_APP_2='))!.slice('LBBENCH_APP_2='.length)).body, 5)
    assert.equal(task.ContainerSpec!.Image, 'sha256:1', 'by id: no registry')
    assert.deepEqual(task.Networks, [{Target: 'host'}])
    assert.deepEqual(task.Placement, {Constraints: ['node.id == n1']})
    assert.deepEqual(task.RestartPolicy, {Condition: 'any', Delay: 0})
    assert.deepEqual(spec.Mode, {Replicated: {Replicas: 2}})
    assert.equal(spec.Labels!['lbbench.run'], base.runId)
    assert.equal(task.ContainerSpec!.Command, undefined)
  })

  test("another image learns its port through /bin/sh; the service's name is one Swarm accepts", () => {
    const spec = replicaServiceSpec({...base, builtinApp: false, imageCommand: ['nginx', '-g', 'daemon off;']})
    const task = spec.TaskTemplate as Dockerode.ContainerTaskSpec
    const command = task.ContainerSpec!.Command!
    assert.deepEqual(command.slice(0, 2), ['/bin/sh', '-c'])
    assert.deepEqual(command.slice(3), ['sh', 'nginx', '-g', 'daemon off;'])
    assert.ok(!task.ContainerSpec!.Env!.some((e) => e.startsWith('LBBENCH_APP_')))
    assert.equal(serviceNameOf('My Run_1-abcd'), 'lbbench-my-run-1-abcd')
    assert.ok(serviceNameOf(`${'x'.repeat(100)}-20261203-abcd`).length <= 63)
  })

  test('a health check in nanoseconds: the built-in app probed by node on its slot port, another image through /bin/sh with PORT; both run here as Docker runs them', async () => {
    const times = {interval: 500, timeout: 1000, retries: 2, startPeriod: 0}
    const scenario = {...loaded.scenario, replicas: {...loaded.scenario.replicas, healthCheck: {path: '/health', ...times}}}
    const spec = replicaServiceSpec({...base, scenario, builtinApp: true, imageCommand: []})
    const check = (spec.TaskTemplate as Dockerode.ContainerTaskSpec).ContainerSpec!.HealthCheck!
    assert.deepEqual({...check, Test: check.Test!.slice(0, 3)}, {Test: ['CMD', 'node', '-e'], Interval: 500e6, Timeout: 1000e6, Retries: 2, StartPeriod: 0})
    const seen: string[] = []
    let status = 200
    const server = createServer((req, res) => {
      seen.push(req.url!)
      res.writeHead(status).end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    const probe = () => exitCode(process.execPath, check.Test!.slice(2), {PORT_2: String(port), LBBENCH_SLOT: '2'})
    try {
      assert.equal(await probe(), 0)
      status = 500
      assert.equal(await probe(), 1)
      assert.deepEqual(seen, ['/health', '/health'])
    } finally {
      server.close()
    }
    assert.equal(await probe(), 1, 'nothing listens')

    const shell = healthCheckOf({command: 'test "$PORT" = 9002', ...times}).Test!
    assert.equal(shell[0], 'CMD-SHELL')
    assert.equal(await exitCode('/bin/sh', ['-c', shell[1]], {PORT_2: '9002', LBBENCH_SLOT: '2'}), 0)
    assert.equal(await exitCode('/bin/sh', ['-c', shell[1]], {PORT_2: '9001', LBBENCH_SLOT: '2'}), 1)
  })

  test('an engine event names its slot from the task name, with the engine time', () => {
    const attrs = {'com.docker.swarm.task.name': 'lbbench-a.3.taskid', 'com.docker.swarm.task.id': 'taskid', exitCode: '137'}
    assert.deepEqual(taskEventOf({Type: 'container', Action: 'die', Actor: {ID: 'c1', Attributes: attrs}, timeNano: 1_700_000_000_123_456_000}), {
      action: 'die', slot: 3, containerId: 'c1', taskId: 'taskid', epochMs: 1_700_000_000_123, detail: '137',
    })
    assert.equal(taskEventOf({Type: 'container', Action: 'health_status: unhealthy', Actor: {ID: 'c1', Attributes: attrs}})?.detail, 'unhealthy')
    assert.equal(taskEventOf({Type: 'container', Action: 'exec_start', Actor: {ID: 'c1', Attributes: attrs}}), undefined)
    assert.equal(taskEventOf({Type: 'container', Action: 'die', Actor: {ID: 'c1', Attributes: {}}}), undefined, 'not a task')
  })
})

const ev = (atMs: number, kind: string, target?: string, detail = ''): TimelineEvent => ({atMs, kind, ...(target ? {target} : {}), detail})
const second = (tMs: number, failed: number): SeriesPoint => ({tMs, phase: 's', sent: 10, completed: 10, failed, errors: {connect: 0, reset: 0, timeout: 0, non2xx: 0, lost: 0}, latencyUs: {p50: 1, p99: 1}, perBackend: {}})

describe('failover figures from the engine events', () => {
  test('a replaced task: its death, the replacement start and its first answer, from the fault', () => {
    const row: FailoverReport = {fault: 'kill', target: 'r2', atMs: 2000, ttdMs: 90, failed: 0, hidden: 3, ttrMs: null}
    const timeline = [ev(1000, 'task-start', 'r2'), ev(2000, 'fault', 'r2', 'kill'), ev(2100, 'task-die', 'r2'), ev(2400, 'task-create', 'r2'), ev(2570, 'task-start', 'r2'), ev(2750, 'replica-ready', 'r2')]
    assert.deepEqual(withReplacement(row, timeline).replacement, {dieMs: 100, startMs: 570, servingMs: 750})
    assert.equal(withReplacement(row, timeline.slice(0, 2)).replacement, undefined, 'no task died: nothing to add')
  })

  test('a rolling update: its length, the failures in it, the longest a slot was out', () => {
    const timeline = [
      ev(2000, 'fault', undefined, 'update'),
      ev(5200, 'task-kill', 'r3'), ev(5390, 'task-die', 'r3'), ev(5990, 'replica-ready', 'r3'),
      ev(9000, 'task-kill', 'r1'), ev(9185, 'task-die', 'r1'), ev(10_100, 'replica-ready', 'r1'),
      ev(18_341, 'update-end', undefined, 'completed'),
    ]
    const series = Array.from({length: 25}, (_, i) => second(i * 1000, i === 9 ? 4 : i === 20 ? 7 : 0))
    assert.deepEqual(rollingUpdateRows({timeline, series, endMs: 25_000}), [{
      fault: 'update', target: 'all', atMs: 2000, ttdMs: null, failed: 4, hidden: 0, ttrMs: null, durationMs: 16_341, longestOutMs: 1100, longestOutTarget: 'r1',
    }])
    const unfinished = rollingUpdateRows({timeline: timeline.slice(0, -1), series, endMs: 25_000})[0]
    assert.equal(unfinished.durationMs, null)
    assert.equal(unfinished.failed, 11, 'counted to the end of the load')
  })
})
