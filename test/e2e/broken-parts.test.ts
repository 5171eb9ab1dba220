// Broken parts are reported, not hung on (issue 9): each case goes through the compiled CLI (`npm run
// build` first) and must end with exit 3 and a message that says what broke and how to fix it, with no
// stack trace of lbbench's own, and nothing of the run left running. A replica that crashes in the
// middle of the load is not a broken run: it goes on the timeline and the thresholds decide.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {join} from 'node:path'
import {findProgram} from '../../src/process/find-program.js'
import {checkHaproxyConfig} from '../../src/balancers/haproxy.js'
import {checkNginxConfig} from '../../src/balancers/nginx.js'
import {skipWithout} from '../helpers/programs.js'
import {cli, leftAfter, processesMarked, reportPath, waitForOutput, type CliRun} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

/** A Node HTTP server on $PORT, as a process replica's command; `pidfile` lets a fault find it. */
const nodeServer = `exec node -e "require('http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, '127.0.0.1')"`

function which(program: string): string {
  return spawnSync('sh', ['-c', `command -v ${program}`], {encoding: 'utf8'}).stdout.trim() || program
}

function tmp(): string {
  return tempDir('broken')
}

function scenario(text: string, dir = tmp()): string {
  const file = join(dir, 'scenario.yaml')
  writeFileSync(file, text)
  return file
}

/** No stack frame of lbbench's own (a replica's output, quoted in a message, may have its own). */
function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .*(\/dist\/|\/src\/|node_modules\/@oclif)/m, stderr)
  assert.doesNotMatch(stderr, /^(?:RunError|LbbenchError|TypeError|ReferenceError)\b/m, stderr)
}

async function endsWith3(run: CliRun, message: RegExp[]): Promise<string> {
  const {code, stderr} = await run.done
  assert.equal(code, 3, stderr)
  for (const m of message) assert.match(stderr, m)
  assertNoStack(stderr)
  assert.deepEqual(await leftAfter(run.mark, 2500), [], 'nothing of the run is left running')
  return stderr
}

/** The run's processes whose command line names `entry` (e.g. load/generator/main, proxy/main). */
function markedRunning(mark: string, entry: string): number[] {
  return processesMarked(mark).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(entry)
    } catch {
      return false
    }
  })
}

const oneSecond = `load: {connections: 2, phases: [{name: steady, duration: 1s}]}\n`

test('a replica whose command listens on a port already taken: exit 3 with its output and a hint to use $PORT', async () => {
  const holder: Server = createServer()
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
  const port = (holder.address() as {port: number}).port
  try {
    const file = scenario(`name: port-taken
replicas:
  kind: process
  count: 1
  command: exec node -e "require('http').createServer((q, s) => s.end('hi')).listen(${port}, '127.0.0.1')"
  ready: {timeout: 5s}
${oneSecond}`)
    const stderr = await endsWith3(cli(['run', file, '--out', tmp()]), [
      /replica r1 did not become ready: exited with code 1/,
      /EADDRINUSE/,
      /hint: the port it tried is taken by another program; listen on \$PORT/,
      /--- last lines of .*r1\.log ---/,
    ])
    const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
    assert.equal(report.meta.notRun, true, 'a report marked not run, though nothing was measured')
    assert.match(report.meta.error.message, /EADDRINUSE/)
  } finally {
    holder.close()
  }
})

test('a replica that crashes at start: exit 3 with its command, folder and the last lines it wrote', async () => {
  const file = scenario(`name: crash-at-start
replicas: {kind: process, count: 2, command: "echo cannot open config.ru >&2; exit 1", ready: {timeout: 5s}}
${oneSecond}`)
  const run = cli(['run', file, '--out', tmp()])
  await endsWith3(run, [/replica r\d did not become ready: exited with code 1/, /command: echo cannot open config\.ru/, /cwd: /, /cannot open config\.ru/])
})

/**
 * A run that could not be carried out still leaves its report (marked not run, with the error and nothing
 * measured) and its step summary; the error is the last thing said. Returns the report.
 */
async function assertNotRunReport(stderr: string, summary: string, message: RegExp): Promise<{meta: {error: {message: string}}}> {
  const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
  assert.equal(report.meta.notRun, true)
  assert.equal(report.meta.aborted, true)
  assert.equal(report.pass, false)
  assert.match(report.meta.error.message, message)
  assert.match(report.meta.error.hint, /what the replicas and the balancer wrote is in \//)
  assert.equal(report.summary.requests.sent, 0)
  assert.deepEqual(report.series, [])
  for (const t of report.thresholds) assert.deepEqual([t.pass, t.detail], [false, 'not evaluated: the run could not be carried out'])
  const md = readFileSync(summary, 'utf8')
  assert.match(md, /^## ⛔ NOT RUN · lbbench: /)
  assert.match(md, message)
  assert.ok(stderr.lastIndexOf('report: ') < stderr.search(message), 'the error comes after the report path')
  return report
}

test('a replica that never listens: exit 3, a report marked not run with the error, the step summary, the terminal report says why', async () => {
  const summary = join(tmp(), 'summary.md')
  const file = scenario(`name: never-listens
replicas: {kind: process, count: 2, command: "sleep 30", ready: {timeout: 1s}}
${oneSecond}thresholds: [errors.rate < 1%]
`)
  const run = cli(['run', file, '--out', tmp()], {GITHUB_STEP_SUMMARY: summary})
  const message = /replica r\d did not become ready: not ready after 1\.0 s: a connection to port \d+ \(ECONNREFUSED\)/
  const stderr = await endsWith3(run, [message])
  await assertNotRunReport(stderr, summary, message)
  const {stdout} = await run.done
  assert.match(stdout, /^lbbench · never-listens {2}NOT RUN /)
  assert.match(stdout, /^NOT RUN: the run could not be carried out \(exit 3\)/m)
  assert.match(stdout, /^NOT RUN {2}replica r\d did not become ready: /m)
})

test('a replica that crashes in the middle of the load: the run goes on, the crash is on the timeline, the thresholds decide', async () => {
  const dir = tmp()
  // An exec fault kills r2 from outside, as an OOM killer or a bug would (not a kill fault: lbbench does
  // not expect this exit).
  const file = scenario(
    `name: crash-later
replicas: {kind: process, count: 2, command: "echo $$ > $REPLICA.pid; ${nodeServer.replace(/"/g, '\\"')}"}
balancer: {retries: 1}
load: {connections: 4, phases: [{name: steady, duration: 2s}]}
faults:
  - {at: 700ms, action: exec, command: "kill -9 $(cat r2.pid)"}
thresholds: [errors.rate < 50%]
`,
    dir,
  )
  const run = cli(['run', file, '--out', tmp()])
  const {code, stderr} = await run.done
  const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
  assert.equal(code, report.pass ? 0 : 1, stderr)
  assert.notEqual(report.meta.aborted, true)
  const crash = report.timeline.find((e: {kind: string; target?: string}) => e.kind === 'replica-crash' && e.target === 'r2')
  assert.ok(crash, `replica-crash r2 on the timeline: ${JSON.stringify(report.timeline)}`)
  assert.match(crash.detail, /SIGKILL/)
  assert.ok(crash.atMs > 500 && crash.atMs < 2000, `at ${crash.atMs} ms`)
  // From the 100 ms bucket after the crash's, r2 served nothing and r1 carried on.
  type Point = {tMs: number; perBackend: Record<string, number>}
  const after = (report.fineSeries.points as Point[]).filter((p) => p.tMs >= Math.ceil(crash.atMs / 100) * 100 + 100)
  assert.ok(after.length >= 2, `buckets after the crash at ${crash.atMs} ms: ${after.length}`)
  for (const p of after) assert.equal(p.perBackend.r2 ?? 0, 0, `r2 served nothing at t=${p.tMs}`)
  assert.ok(after.reduce((n, p) => n + (p.perBackend.r1 ?? 0), 0) > 0, 'r1 served requests after the crash')
  assertNoStack(stderr)
  assert.deepEqual(await leftAfter(run.mark, 2500), [])
})

test('nginx not installed: exit 3 naming the package to install', async (t) => {
  // findProgram also looks in /usr/sbin, where Debian puts nginx: hide it in a private mount namespace.
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs none /usr/sbin'], {encoding: 'utf8'})
  if (probe.status !== 0) {
    if (process.env.CI) assert.fail(`unshare -m is needed to hide nginx: ${probe.stderr}`)
    t.skip(`cannot hide /usr/sbin (unshare -m: ${probe.stderr.trim()})`)
    return
  }
  const bin = tmp()
  spawnSync('ln', ['-s', process.execPath, join(bin, 'node')])
  const file = scenario(`name: no-nginx
replicas: {count: 2}
balancer: {kind: nginx}
${oneSecond}`)
  // Absolute paths: the run's own PATH holds only node.
  const hide = [which('unshare'), '-m', which('sh'), '-c', `${which('mount')} -t tmpfs none /usr/sbin && (${which('mount')} -t tmpfs none /usr/local/sbin 2>/dev/null; exec "$0" "$@")`]
  const summary = join(tmp(), 'summary.md')
  const run = cli(['run', file, '--out', tmp(), '--json'], {PATH: bin, GITHUB_STEP_SUMMARY: summary}, hide)
  const message = /nginx was not found on PATH\. Install it with: apt-get install nginx/
  const stderr = await endsWith3(run, [message])
  const report = await assertNotRunReport(stderr, summary, message)
  assert.deepEqual(JSON.parse((await run.done).stdout), report, '--json: the report on stdout')
})

test('nginx rejecting a configuration: the error names the file and says what nginx said', {skip: skipWithout('nginx')}, async () => {
  const nginx = findProgram('nginx')
  assert.ok(nginx, 'nginx is not installed (apt-get install nginx)')
  // lbbench writes only configurations nginx accepts (a folder's `$` included), so the check is driven
  // here with a broken file through the function the balancer uses, with the arguments it passes.
  const dir = tmp()
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n  no_such_directive on;\n}\n`)
  const args = ['-c', conf, '-p', `${dir}/`, '-e', join(dir, 'error.log')]
  await assert.rejects(checkNginxConfig(nginx, conf, args), (e: Error & {exitCode?: number}) => {
    assert.equal(e.exitCode, 3)
    assert.match(e.message, /^nginx rejected the generated configuration \(.*nginx\.conf\):\n/)
    assert.match(e.message, /unknown directive "no_such_directive" in .*nginx\.conf:4/)
    return true
  })
})

test('HAProxy rejecting a configuration: the error names the file and says what HAProxy said', {skip: skipWithout('haproxy')}, async () => {
  const haproxy = findProgram('haproxy')
  assert.ok(haproxy, 'haproxy is not installed (apt-get install haproxy)')
  // lbbench's own generator writes only what the scenario validator allows, so the check is driven here
  // with a broken file through the function the balancer uses.
  const conf = join(tmp(), 'haproxy.cfg')
  writeFileSync(conf, 'global\n  maxconn 10\nbackend b\n  balance no-such-algorithm\n')
  await assert.rejects(checkHaproxyConfig(haproxy, conf), (e: Error & {exitCode?: number}) => {
    assert.equal(e.exitCode, 3)
    assert.match(e.message, /^HAProxy rejected the generated configuration \(.*haproxy\.cfg\):\n/)
    assert.match(e.message, /\[ALERT\].*haproxy\.cfg:4\] : balance only supports/, 'HAProxy\'s own alert (haproxy -c -q would hide it)')
    return true
  })
})

test('Docker unreachable: exit 3 naming DOCKER_HOST and dockerd', async () => {
  const file = scenario(`name: no-docker
replicas: {kind: docker, count: 1, image: lbbench-hello}
${oneSecond}`)
  const run = cli(['run', file, '--out', tmp()], {DOCKER_HOST: 'unix:///nonexistent.sock'})
  await endsWith3(run, [/Docker is not reachable at unix:\/\/\/nonexistent\.sock/, /DOCKER_HOST/, /dockerd/])
})

for (const [part, entry, message] of [
  ['the load generator', 'load/generator/main', /the load generator exited unexpectedly \(signal SIGKILL\)/],
  ['the built-in proxy', 'proxy/main', /the builtin balancer exited during the run \(the built-in proxy was killed by SIGKILL\)/],
] as const) {
  test(`${part} killed in the middle of the measurement: exit 3, the report measured so far is written marked aborted`, async () => {
    const out = tmp()
    const file = scenario(`name: part-dies
replicas: {count: 2}
load: {connections: 4, phases: [{name: steady, duration: 20s}]}
`)
    const run = cli(['run', file, '--out', out])
    await waitForOutput(run, 'phase steady started')
    await new Promise((r) => setTimeout(r, 1500))
    const pids = markedRunning(run.mark, entry)
    assert.equal(pids.length, 1, `one ${entry} process: ${pids}`)
    const killedAt = Date.now()
    process.kill(pids[0], 'SIGKILL')
    const stderr = await endsWith3(run, [message])
    assert.ok(Date.now() - killedAt < 12_000, 'the run ended soon after, not at the end of its 20 s phase')
    const report = JSON.parse(readFileSync(reportPath(stderr), 'utf8'))
    assert.equal(report.meta.aborted, true)
    assert.equal(report.pass, false)
    assert.ok(report.summary.requests.completed > 0, 'what was measured before is kept')
    assert.ok(report.timeline.some((e: {kind: string}) => e.kind === 'aborted'))
    // The message is the last thing said, after the report's path, so a CI log shows both.
    assert.match(stderr.trimEnd().split('\n').at(-1)!, message)
    assert.ok(readdirSync(out).length === 1)
  })
}
