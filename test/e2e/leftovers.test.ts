// What a run whose lbbench was killed outright left behind is removed by the next run (issue 16), through
// the compiled CLI (`npm run build` first): its Docker containers keep running after the SIGKILL, and the
// next run, of any kind, removes them and says so. Only runs whose orchestrator is gone are touched, and a
// run with nothing left over does not even contact the Docker engine.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readdirSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {readRunStates, removeRunState, writeRunState} from '../../src/run/state-file.js'
import {cli, waitForOutput} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

function tmp(): string {
  return tempDir('leftovers')
}

const hasDocker = spawnSync('docker', ['info'], {stdio: 'ignore'}).status === 0
const noDocker = !hasDocker && !process.env.CI ? 'no Docker engine' : false

function containersOf(runId: string): string[] {
  const r = spawnSync('docker', ['ps', '-a', '--format', '{{.Names}}', '--filter', `label=lbbench.run=${runId}`], {encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  return r.stdout.split('\n').filter(Boolean).sort()
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], {encoding: 'utf8'}).stdout.trim())
}

const HELLO = ['run', 'scenarios/hello.yaml', '--time-scale', '0.3']

test('the containers of a run whose lbbench was SIGKILLed are removed by the next run, which says so', {skip: noDocker}, async () => {
  const out = tmp()
  const file = join(tmp(), 'scenario.yaml')
  writeFileSync(file, `name: killed
replicas: {kind: docker, count: 2, image: lbbench-hello, ready: {path: /, timeout: 20s}}
load: {connections: 2, phases: [{name: steady, duration: 20s}]}
`)
  const killed = cli(['run', file, '--out', out])
  await waitForOutput(killed, 'phase steady started', 60_000)
  killed.child.kill('SIGKILL')
  await killed.done
  const [runId] = readdirSync(out)
  assert.deepEqual(containersOf(runId), [`lbbench-${runId}-r1`, `lbbench-${runId}-r2`], 'the containers outlive their lbbench')

  // The next run has cluster replicas: it contacts Docker because the dead run's state says it used it.
  const next = await cli([...HELLO, '--out', tmp()], {GITHUB_STEP_SUMMARY: ''}).done
  assert.equal(next.code, 0, next.stderr)
  assert.match(next.stderr, new RegExp(`^removed what \\d+ earlier runs? left behind when lbbench was killed \\(.*${runId}.*\\): 2 containers \\(lbbench-${runId}-r1, lbbench-${runId}-r2\\)`, 'm'))
  assert.ok(next.stderr.indexOf('removed what') < next.stderr.indexOf('starting 2 cluster replicas'), 'before anything of its own starts')
  assert.deepEqual(containersOf(runId), [])
  assert.equal((await readRunStates()).some((s) => s.state.runId === runId), false, 'its state file is gone')
})

test('a dead run that used Docker while the engine is unreachable: the run says what is left and goes on', async () => {
  const runId = `gone-${Date.now()}`
  await writeRunState({runId, runDir: '/nonexistent', orchestratorPid: deadPid(), startedAt: new Date().toISOString(), replicaKind: 'docker', pids: []})
  try {
    const r = await cli([...HELLO, '--out', tmp()], {DOCKER_HOST: 'unix:///nonexistent.sock', GITHUB_STEP_SUMMARY: ''}).done
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /^leftovers of earlier runs: Docker is not reachable at unix:\/\/\/nonexistent\.sock: containers were not checked \(`lbbench clean` removes them later\)$/m)
  } finally {
    await removeRunState(runId)
  }
})

test('with nothing of Docker left over, a run of other replicas does not contact the engine', async () => {
  const dir = tmp()
  const socket = join(dir, 'docker.sock')
  let connections = 0
  const engine = createServer((c) => {
    connections++
    c.destroy()
  })
  await new Promise<void>((resolve) => engine.listen(socket, resolve))
  try {
    const r = await cli([...HELLO, '--out', tmp()], {DOCKER_HOST: `unix://${socket}`, GITHUB_STEP_SUMMARY: ''}).done
    assert.equal(r.code, 0, r.stderr)
    assert.equal(connections, 0, r.stderr)
    assert.doesNotMatch(r.stderr, /^(leftovers of earlier runs|removed what)/m)
  } finally {
    engine.close()
  }
})
