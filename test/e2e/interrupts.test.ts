// Interrupted runs leave nothing and lose nothing (issue 9). Runs are interrupted through the compiled CLI
// (`npm run build` first) with SIGINT, SIGTERM and SIGKILL at the moments that matter: while replicas
// start, in the warm-up, while measuring, and while the run stops its parts; with process replicas behind
// the built-in proxy, nginx and HAProxy, and with Docker replicas. Afterwards no process of the run is left
// (the test's mark in the environment, and `pgrep -f` of the run's folder, which names nginx's and
// HAProxy's configs) and no container carries the run's label. After Ctrl-C or SIGTERM the report
// measured so far is written, marked aborted; after SIGKILL, `lbbench clean` removes what was left.
//
// Not every combination is run (the file must stay under ~3 minutes on 2 cores). Left out, because the
// same code path is covered by a neighbour: SIGINT vs SIGTERM on every part (interrupt.ts treats them
// alike: one of each per moment), cluster replicas (test/e2e/run.test.ts), nginx/HAProxy in teardown
// with SIGINT (balancer.stop() is the same call as at the end of every run), Docker in warm-up and in
// teardown.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync, type ChildProcess} from 'node:child_process'
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {findProgram} from '../../src/process/find-program.js'
import {cpuWaitMs} from '../helpers/exit-in-time.js'
import {groupMembers} from '../../src/process/process-group.js'
import {groupLeadersNaming} from '../helpers/group-leaders.js'
import {cli, leftAfter, reportPath, waitForOutput} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGKILL'
const EXIT: Record<Signal, number> = {SIGINT: 130, SIGTERM: 143, SIGKILL: 137}

const server = `node -e \\"require('http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, '127.0.0.1')\\"`
const replicaKinds = {
  /** Starts at once. */
  process: `{kind: process, count: 2, command: "exec ${server}"}`,
  /** Takes a second before it listens, so that start-up can be caught. */
  slowStart: `{kind: process, count: 2, command: "sleep 1; exec ${server}"}`,
  /** Takes 2 s to end on SIGTERM, so that the run's teardown can be caught. */
  slowDrain: `{kind: process, count: 2, command: "trap 'sleep 2; exit 0' TERM; ${server} & wait"}`,
  docker: `{kind: docker, count: 2, image: lbbench-hello, ready: {path: /, timeout: 20s}}`,
}

function tmp(): string {
  return tempDir('interrupt')
}

function scenarioFile(replicas: string, balancer: string): string {
  const file = join(tmp(), 'scenario.yaml')
  writeFileSync(
    file,
    `name: interrupted
replicas: ${replicas}
balancer: {kind: ${balancer}}
load:
  connections: 4
  phases:
    - {name: warmup, duration: 2s, measure: false}
    - {name: steady, duration: 3s}
`,
  )
  return file
}

function has(program: string): boolean {
  return program === 'docker' ? spawnSync('docker', ['info'], {stdio: 'ignore'}).status === 0 : findProgram(program) !== undefined
}

function pgrep(text: string): number[] {
  const r = spawnSync('pgrep', ['-f', text], {encoding: 'utf8'})
  return r.stdout.split('\n').filter(Boolean).map(Number).filter((pid) => pid !== process.pid)
}

/**
 * Starts watching `pid` at once: the time it exits, and how long it and this process waited for a CPU
 * until then (its /proc entry goes with it, so its wait is sampled while it runs). The hard exit is a
 * timer: on a starved machine it fires late by that much, and the bound allows for it.
 */
function watchExit(child: ChildProcess): Promise<{at: number; starvedMs: number}> {
  const pid = child.pid!
  const before = cpuWaitMs(pid) + cpuWaitMs(process.pid)
  let childWait = cpuWaitMs(pid)
  const sampler = setInterval(() => (childWait = Math.max(childWait, cpuWaitMs(pid))), 25)
  return new Promise((resolve) =>
    child.once('exit', () => {
      clearInterval(sampler)
      resolve({at: Date.now(), starvedMs: Math.round(childWait + cpuWaitMs(process.pid) - before)})
    }),
  )
}

function containersOf(runId: string): string[] {
  const r = spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=lbbench.run=${runId}`], {encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  return r.stdout.split('\n').filter(Boolean)
}

interface Case {
  replicas: keyof typeof replicaKinds
  balancer: 'builtin' | 'nginx' | 'haproxy'
  moment: 'start-up' | 'warm-up' | 'measuring' | 'teardown'
  signal: Signal
}

/** The progress line after which each moment has begun, and how long to wait after it. */
const trigger: Record<Case['moment'], [RegExp, number]> = {
  'start-up': [/starting 2 \w+ replicas/, 300],
  'warm-up': [/phase warmup started/, 700],
  measuring: [/phase steady started/, 1000],
  teardown: [/stopping the replicas and the balancer/, 200],
}

const cases: Case[] = [
  {replicas: 'slowStart', balancer: 'builtin', moment: 'start-up', signal: 'SIGINT'},
  {replicas: 'slowStart', balancer: 'nginx', moment: 'start-up', signal: 'SIGKILL'},
  {replicas: 'process', balancer: 'nginx', moment: 'warm-up', signal: 'SIGTERM'},
  {replicas: 'process', balancer: 'haproxy', moment: 'warm-up', signal: 'SIGKILL'},
  {replicas: 'process', balancer: 'haproxy', moment: 'measuring', signal: 'SIGINT'},
  {replicas: 'process', balancer: 'nginx', moment: 'measuring', signal: 'SIGKILL'},
  {replicas: 'slowDrain', balancer: 'builtin', moment: 'teardown', signal: 'SIGTERM'},
  {replicas: 'slowDrain', balancer: 'haproxy', moment: 'teardown', signal: 'SIGKILL'},
  {replicas: 'docker', balancer: 'builtin', moment: 'start-up', signal: 'SIGTERM'},
  {replicas: 'docker', balancer: 'builtin', moment: 'measuring', signal: 'SIGINT'},
  {replicas: 'docker', balancer: 'builtin', moment: 'measuring', signal: 'SIGKILL'},
]

for (const c of cases) {
  test(`${c.signal} during ${c.moment}: ${c.replicas} replicas, ${c.balancer} balancer`, async (t) => {
    for (const program of [c.balancer === 'builtin' ? undefined : c.balancer, c.replicas === 'docker' ? 'docker' : undefined]) {
      if (!program || has(program)) continue
      if (process.env.CI) assert.fail(`${program} is needed for this test`)
      t.skip(`${program} is not available`)
      return
    }
    const out = tmp()
    const run = cli(['run', scenarioFile(replicaKinds[c.replicas], c.balancer), '--out', out])
    const [text, delay] = trigger[c.moment]
    await waitForOutput(run, text, 60_000)
    await new Promise((r) => setTimeout(r, delay))
    assert.equal(run.child.exitCode, null, `still running at the ${c.moment} (${run.stderr()})`)
    // nginx's workers are found by its master's process group (test/helpers/group-leaders.ts).
    const groups = groupLeadersNaming(out)
    const exited = watchExit(run.child)
    const sentAt = Date.now()
    run.child.kill(c.signal)
    const {code, stderr} = await run.done
    assert.equal(code, EXIT[c.signal], stderr)
    const [runId] = readdirSync(out)
    assert.ok(runId, 'the run made its folder')
    const runDir = join(out, runId)

    if (c.signal !== 'SIGKILL') {
      // Timed at its exit, not once its output has closed and its report has been checked.
      const {at, starvedMs} = await exited
      assert.ok(at - sentAt < 5000 + starvedMs, `exited within 5 s of ${c.signal}: ${at - sentAt} ms, ${starvedMs} ms of it waiting for a CPU\n${stderr}`)
      const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
      assert.equal(report.meta.aborted, true, 'the report is marked aborted')
      assert.equal(report.pass, false)
      assert.match(report.meta.abortReason ?? JSON.stringify(report.timeline), new RegExp(`interrupted by ${c.signal}`))
      if (c.moment === 'measuring') assert.ok(report.summary.requests.completed > 0, 'what was measured is kept')
      assert.equal(statSync(runDir).mode & 0o777, 0o700)
    }

    // Replicas, proxy, generator, nginx and HAProxy die with the orchestrator, SIGKILL included.
    assert.deepEqual(await leftAfter(run.mark, 3000), [], 'no process of the run is left')
    assert.deepEqual(pgrep(runDir), [], `no process names ${runDir}`)
    assert.deepEqual(groups.flatMap((g) => groupMembers(g)), [], 'no nginx or HAProxy process (or worker) is left')
    if (c.signal === 'SIGKILL') {
      // Containers do not notice; `lbbench clean` removes them and the run's state file.
      const clean = cli(['clean'])
      const cleaned = await clean.done
      assert.equal(cleaned.code, 0, cleaned.stderr)
      assert.match(cleaned.stdout, new RegExp(`state file .*${runId}`), cleaned.stdout)
      if (c.replicas === 'docker') assert.match(cleaned.stdout, new RegExp(`removed container lbbench-${runId}-r\\d \\(run ${runId}\\)`))
    }
    if (c.replicas === 'docker') assert.deepEqual(containersOf(runId), [], 'no container of the run is left')
  })
}
