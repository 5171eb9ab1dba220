// A system lbbench did not start, end to end through the compiled CLI (`npm run build` first). The test
// plays the user's own stack: three plain copies of the built-in app (dist/replicas/app/standalone.js) it
// starts itself, each writing its pid to a file, behind an HAProxy with the test's own haproxy.cfg that
// names the server in X-Served-By. lbbench runs with replicas.kind external and balancer.kind external:
// it starts none of it, kills r2 and starts it again through the scenario's commands, and reads the
// backends from the header. Then: the same HAProxy serving HTTPS with a self-signed certificate (accepted
// with insecure: true, refused without it), an unknown backend counted under `other`, replicas lbbench starts on
// fixed ports behind the test's HAProxy, replicas on 127.0.0.1 and [::1] behind lbbench's own balancers,
// and the runs that cannot be carried out (exit 3). Everything the test starts, it stops.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {selfSignedCertificate} from '../../src/balancers/self-signed.js'
import {freePort} from '../../src/process/free-port.js'
import {waitForHttp} from '../../src/process/wait-http.js'
import {processAlive} from '../../src/process/process-alive.js'
import {cli, processesMarked, reportPath, root, stillThereAfter} from '../helpers/cli.js'
import {skipWithout} from '../helpers/programs.js'

const dir = mkdtempSync(join(tmpdir(), 'lbbench-external-'))
const app = join(root, 'dist', 'replicas', 'app', 'standalone.js')

// The parts of report.json these tests read.
interface Report {
  meta: {target?: string; tls?: {protocol: string; cipher: string}}
  summary: {requests: {completed: number; failed: number}; throughput: {rps: number; connectionsPerSec?: number}}
  backends: Array<{id: string; requests: number; share: number; attempts?: number}>
  failover: Array<{fault: string; target: string; ttdMs: number | null; ttrMs: number | null; sources?: {ttd: Source; ttr: Source & {until?: string}}}>
  series: Array<{tMs: number; perBackend: Record<string, number>}>
  fineSeries?: {points: Array<{tMs: number; perBackend: Record<string, number>}>}
  timeline: Array<{atMs: number; kind: string; target?: string; detail: string}>
}

interface Source {
  from: string
  bucketMs: number
}

/** The user's app replicas: `start.sh N` starts copy N on its port and writes its pid to rN.pid (also what a restart action runs). */
async function appSystem(name: string, count: number): Promise<{ports: number[]; folder: string; pids: () => number[]}> {
  const folder = join(dir, name)
  const ports = await Promise.all(Array.from({length: count}, () => freePort()))
  const cases = ports.map((p, i) => `  ${i + 1}) PORT=${p} ;;`).join('\n')
  mkdirSync(folder)
  writeFileSync(
    join(folder, 'start.sh'),
    `#!/bin/sh\ncd "$(dirname "$0")"\ncase "$1" in\n${cases}\nesac\nPORT=$PORT REPLICA=app$1 nohup "${process.execPath}" "${app}" >> r$1.log 2>&1 &\necho $! > r$1.pid\n`,
    {mode: 0o755},
  )
  const pidFiles = ports.map((_, i) => join(folder, `r${i + 1}.pid`))
  const pids = () => pidFiles.filter((f) => existsSync(f)).map((f) => Number(readFileSync(f, 'utf8').trim()))
  for (let i = 1; i <= count; i++) await run(join(folder, 'start.sh'), [String(i)])
  for (const p of ports) assert.ok(await waitForHttp(`http://127.0.0.1:${p}/`, 10_000), `app on ${p} answers`)
  return {ports, folder, pids}
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {stdio: 'ignore'})
    child.once('error', reject)
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))))
  })
}

/**
 * The test's own HAProxy in front of `servers` (name → port), naming each response's server in
 * X-Served-By by `header` (%s: its name); with `tls`, serving HTTPS with a self-signed certificate.
 * A port another program took between freePort() and HAProxy's bind (the machine is shared) is tried again.
 */
async function haproxy(name: string, servers: Array<[string, number]>, header = '%s', tls = false): Promise<{port: number; child: ChildProcess}> {
  const pem = join(dir, `${name}.pem`)
  if (tls) {
    const {cert, key} = selfSignedCertificate()
    writeFileSync(pem, cert + key)
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const cfg = join(dir, `${name}.cfg`)
    writeFileSync(cfg, haproxyConfig(port, servers, header, tls ? pem : undefined))
    const logFile = join(dir, `${name}.log`)
    const log = openSync(logFile, 'w')
    const child = spawn('haproxy', ['-db', '-f', cfg], {stdio: ['ignore', log, log]})
    closeSync(log)
    started.push(child)
    if (await waitForHttp(`${tls ? 'https' : 'http'}://127.0.0.1:${port}/`, 10_000, () => child.exitCode !== null)) return {port, child}
    child.kill('SIGTERM')
    const said = readFileSync(logFile, 'utf8')
    if (attempt === 3 || !/cannot bind|address already in use/i.test(said)) assert.fail(`haproxy did not answer on ${port}: ${said}`)
  }
}

function haproxyConfig(port: number, servers: Array<[string, number]>, header: string, pem: string | undefined): string {
  return `global
  maxconn 2000
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
  retries 1
  option redispatch
frontend fe
  bind 127.0.0.1:${port}${pem ? ` ssl crt ${pem}` : ''}
  default_backend be
backend be
  balance roundrobin
  http-response set-header X-Served-By ${header}
${servers.map(([s, p]) => `  server ${s} 127.0.0.1:${p} check inter 100 fall 1 rise 1`).join('\n')}
`
}

const started: ChildProcess[] = []
const systems: Array<() => number[]> = []

async function stopEverything(): Promise<void> {
  for (const child of started) if (child.exitCode === null) child.kill('SIGTERM')
  for (const pids of systems) for (const pid of pids()) if (processAlive(pid)) process.kill(pid, 'SIGTERM')
  const left = await stillThereAfter(() => [...started.flatMap((c) => (c.exitCode === null && c.signalCode === null ? [c.pid!] : [])), ...systems.flatMap((p) => p().filter(processAlive))], 5000)
  assert.deepEqual(left, [], 'the test stops everything it started')
}

after(async () => {
  await stopEverything()
  rmSync(dir, {recursive: true, force: true})
})

function scenarioFile(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(file, `name: ${name}\nseed: 3\n${body}`)
  return file
}

const load = (steady: string) => `load:
  connections: 6
  phases:
    - {name: warmup, duration: 300ms, measure: false}
    - {name: steady, duration: ${steady}}
`

/** Runs lbbench; the processes it leaves are only the system's own (which a restart action started). */
async function lbbench(file: string, systemPids: () => number[] = () => []): Promise<{code: number; stdout: string; stderr: string; report?: Report}> {
  const r = cli(['run', file, '--out', join(dir, 'out')])
  const {code, stdout, stderr} = await r.done
  const left = await stillThereAfter(() => processesMarked(r.mark).filter((p) => !systemPids().includes(p)), 3000)
  assert.deepEqual(left, [], 'every process of the run has gone (the system it did not start stays)')
  const report = /report: \S+report\.json/.test(stderr) ? (JSON.parse(readFileSync(reportPath(stderr), 'utf8')) as Report) : undefined
  return {code, stdout, stderr, report}
}

describe('a system lbbench did not start', {skip: skipWithout('haproxy')}, () => {
  let system: Awaited<ReturnType<typeof appSystem>>
  let lb: {port: number}
  before(async () => {
    system = await appSystem('three', 3)
    systems.push(system.pids)
    lb = await haproxy('three', system.ports.map((p, i) => [`r${i + 1}`, p]))
  })

  test('external replicas behind an external HAProxy: backends from X-Served-By, a kill and a restart done by the scenario\'s commands', async () => {
    const killed = system.pids()[1]
    const file = scenarioFile(
      'external-stack',
      `replicas:
  kind: external
  addresses: [${system.ports.map((p) => `127.0.0.1:${p}`).join(', ')}]
  actions:
    kill: "kill -9 $(cat ${system.folder}/r$REPLICA_INDEX.pid) && echo killed $REPLICA at $ADDRESS"
    restart: "${system.folder}/start.sh $REPLICA_INDEX"
    terminate: "echo no terminate here >&2; exit 3"
balancer:
  kind: external
  url: http://127.0.0.1:${lb.port}
  backendHeader: x-served-by
${load('3500ms')}faults:
  - {at: 1s, action: kill, target: r2}
  - {at: 2s, action: restart, target: r2}
  - {at: 2500ms, action: terminate, target: r3}
`,
    )
    const {code, stdout, stderr, report} = await lbbench(file, system.pids)
    assert.equal(code, 0, stderr)
    const r = report!
    assert.deepEqual(r.backends.map((b) => b.id), ['r1', 'r2', 'r3'], 'one row per replica, no other')
    for (const b of r.backends) assert.ok(b.requests > 100, `${b.id}: ${b.requests} responses`)
    assert.ok(r.backends.every((b) => b.attempts === undefined), 'an external balancer counts no attempts, and none are shown')
    const [r1, r2, r3] = r.backends
    assert.ok(Math.abs(r1.requests - r3.requests) <= Math.max(20, r1.requests * 0.05), `r1 ${r1.requests} and r3 ${r3.requests} share evenly`)
    assert.ok(r2.requests < r1.requests, `r2 was down for a while: ${r2.requests} < ${r1.requests}`)

    const action = (detail: RegExp) => r.timeline.find((e) => e.kind === 'action-result' && detail.test(e.detail))
    const kill = action(/^kill: exit 0: killed r2 at 127\.0\.0\.1:\d+$/)
    assert.ok(kill && kill.target === 'r2', JSON.stringify(r.timeline))
    assert.ok(!processAlive(killed), 'the kill command killed the app copy')
    assert.ok(action(/^restart: exit 0$/)?.target === 'r2')
    assert.equal(action(/^terminate: /)?.detail, 'terminate: exit 3: no terminate here')
    assert.ok(r.timeline.some((e) => e.kind === 'fault-error' && e.target === 'r3'), 'a failed command is a fault error too')
    const ready = r.timeline.find((e) => e.kind === 'replica-ready' && e.target === 'r2' && e.atMs > 2000)
    assert.ok(ready, 'r2 is ready again once its address answers')
    assert.ok(processAlive(system.pids()[1]), 'the restart command started a new copy')

    const f = r.failover.find((x) => x.fault === 'kill' && x.target === 'r2')!
    const {ttd, ttr} = f.sources ?? assert.fail('the failover row says what it was measured from')
    assert.deepEqual([ttd, ttr], [{from: 'responses', bucketMs: 100}, {from: 'responses', bucketMs: 100, until: 'first-response'}])
    // Both read from the 100 ms buckets of the header's counts: ttd ends with the bucket of r2's last
    // response after the kill, ttr with the bucket of its first response once it was ready again.
    const killedAt = r.timeline.find((e) => e.kind === 'fault' && e.target === 'r2' && e.detail === 'kill')!.atMs
    const answeredR2 = r.fineSeries!.points.filter((p) => (p.perBackend.r2 ?? 0) > 0)
    // (The restart at 2 s may bring r2 back to HAProxy, whose checks run every 100 ms, before lbbench sees it ready.)
    const last = answeredR2.filter((p) => p.tMs < 2000).at(-1)!
    assert.equal(f.ttdMs, Math.max(0, last.tMs + 100 - killedAt), `ttd ${f.ttdMs}: r2 last answered in the bucket at ${last.tMs}, killed at ${killedAt}`)
    assert.ok((f.ttdMs ?? Infinity) <= 500, `r2 stopped answering when it was killed: ${f.ttdMs}`)
    const first = answeredR2.find((p) => p.tMs + 100 > ready.atMs)!
    assert.equal(f.ttrMs, first.tMs + 100 - ready.atMs, `ttr ${f.ttrMs}: r2 first answered again in the bucket at ${first.tMs}, ready at ${ready.atMs}`)
    // From the bucket after r2's last response to the restart, no response named r2 (100 ms buckets).
    const restartedAt = r.timeline.find((e) => e.kind === 'fault' && e.target === 'r2' && e.detail === 'restart')!.atMs
    const down = r.fineSeries!.points.filter((p) => p.tMs >= last.tMs + 100 && p.tMs + 100 <= restartedAt)
    assert.ok(down.length >= 4, `r2 was down for at least 400 ms before its restart: ${down.length} buckets`)
    for (const p of down) assert.equal(p.perBackend.r2 ?? 0, 0, `t=${p.tMs}`)
    assert.match(stdout, /\(ttd: fault → its last response; ttr: fault end → its first response back\)/)
    assert.match(stdout, /ttd and ttr \(to its first response back\) from the responses' x-served-by header \(100 ms buckets\)/)
    assert.match(stdout, /r2 command \(kill: exit 0: killed r2 at 127\.0\.0\.1:\d+\)/)
  })

  for (const keepAlive of [true, false]) {
    test(`an https:// url with a self-signed certificate and insecure: true, keepAlive ${keepAlive}: TLS negotiated, backends from the header`, async () => {
      const secure = await haproxy(`tls-${keepAlive}`, system.ports.map((p, i) => [`r${i + 1}`, p]), '%s', true)
      const url = `https://127.0.0.1:${secure.port}`
      const file = scenarioFile(
        `external-https-${keepAlive}`,
        `replicas: {kind: external, addresses: [${system.ports.map((p) => `127.0.0.1:${p}`).join(', ')}]}
balancer: {kind: external, url: "${url}", insecure: true, backendHeader: x-served-by}
${load('1s').replace('load:\n', `load:\n  keepAlive: ${keepAlive}\n`)}`,
      )
      const {code, stdout, stderr, report} = await lbbench(file)
      assert.equal(code, 0, stderr)
      const r = report!
      assert.equal(r.meta.target, url)
      assert.match(r.meta.tls?.protocol ?? '', /^TLSv1\.[23]$/, JSON.stringify(r.meta.tls))
      assert.match(r.meta.tls?.cipher ?? '', /^TLS_/)
      assert.match(stdout, new RegExp(`^TLS TLSv1\\.[23] · TLS_\\S+ · load to ${url.replace(/\./g, '\\.')}$`, 'm'))
      assert.deepEqual(r.backends.map((b) => b.id), ['r1', 'r2', 'r3'])
      for (const b of r.backends) assert.ok(b.requests > 10, `${b.id}: ${b.requests} responses`)
      assert.equal(r.summary.requests.failed, 0)
      const {rps, connectionsPerSec} = r.summary.throughput
      if (keepAlive) assert.equal(connectionsPerSec, undefined)
      else assert.ok(connectionsPerSec !== undefined && Math.abs(connectionsPerSec - rps) <= rps * 0.1 + 2, `a handshake per request: ${connectionsPerSec}/s for ${rps} req/s`)
      secure.child.kill('SIGTERM')
    })
  }

  test('an https:// url with a self-signed certificate, without insecure: exit 3 before the load, naming insecure: true', async () => {
    const secure = await haproxy('tls-refused', system.ports.map((p, i) => [`r${i + 1}`, p]), '%s', true)
    const url = `https://127.0.0.1:${secure.port}`
    const file = scenarioFile('external-https-untrusted', `balancer: {kind: external, url: "${url}"}\n${load('1s')}`)
    const {code, stderr, report} = await lbbench(file)
    secure.child.kill('SIGTERM')
    assert.equal(code, 3, stderr)
    assert.match(stderr, new RegExp(`the certificate at ${url.replace(/\./g, '\\.')} is not trusted: self-signed certificate\\. A self-signed or test certificate is accepted with balancer\\.insecure: true`))
    assert.equal(report?.summary.requests.completed ?? 0, 0, 'no load was sent')
  })

  test('a header value that names no replica is counted under other; addresses match too', async () => {
    // HAProxy names each server by address; lbbench lists only the first two.
    const two = await haproxy('by-address', system.ports.map((p, i) => [`s${i + 1}`, p]), '%si:%sp')
    const file = scenarioFile(
      'external-other',
      `replicas:
  kind: external
  addresses: [${system.ports.slice(0, 2).map((p) => `127.0.0.1:${p}`).join(', ')}]
balancer: {kind: external, url: "http://127.0.0.1:${two.port}", backendHeader: X-Served-By}
${load('1500ms')}`,
    )
    const {code, stdout, stderr, report} = await lbbench(file)
    assert.equal(code, 0, stderr)
    assert.deepEqual(report!.backends.map((b) => b.id), ['r1', 'r2', 'other'])
    for (const b of report!.backends) assert.ok(Math.abs(b.share - 1 / 3) < 0.05, `${b.id}: ${b.share}`)
    assert.match(stdout, /^ {3}other\s+[\d,]+\s+3\d\.\d%/m)
  })

  test('no replicas listed and no header: the report has no per-backend part', async () => {
    // The app copies stamp lbbench's own x-lbbench-replica (app1 …); a scenario that names no header and no replicas does not make rows of it.
    const file = scenarioFile('external-alone', `balancer: {kind: external, url: "http://127.0.0.1:${lb.port}"}\n${load('1s')}`)
    const {code, stdout, stderr, report} = await lbbench(file)
    assert.equal(code, 0, stderr)
    assert.ok(report!.summary.requests.completed > 100)
    assert.deepEqual(report!.backends, [])
    assert.doesNotMatch(stdout, /^Backends/m)
    assert.match(stdout, /^external balancer at http:\/\/127\.0\.0\.1:\d+ · replicas not listed \(external\) · /m)
  })
})

describe('replicas lbbench starts, behind a balancer it did not', {skip: skipWithout('haproxy')}, () => {
  test('replicas.ports fixes their ports: the test\'s HAProxy reaches them, also after a restart', async () => {
    const ports = [await freePort(), await freePort()]
    const lb = await haproxy('fixed', ports.map((p, i) => [`r${i + 1}`, p]))
    const file = scenarioFile(
      'fixed-ports',
      `replicas: {ports: [${ports.join(', ')}]}
balancer: {kind: external, url: "http://127.0.0.1:${lb.port}", backendHeader: x-served-by}
${load('3s')}faults:
  - {at: 1s, action: kill, target: r2}
  - {at: 1500ms, action: restart, target: r2}
`,
    )
    const {code, stderr, report} = await lbbench(file)
    assert.equal(code, 0, stderr)
    const r = report!
    assert.deepEqual(r.backends.map((b) => b.id), ['r1', 'r2'])
    assert.ok(r.timeline.some((e) => e.kind === 'replica-ready' && e.target === 'r2' && e.detail === `on port ${ports[1]}` && e.atMs > 1000), 'r2 came back on its port')
    assert.ok(r.series.filter((p) => p.tMs >= 2000).every((p) => (p.perBackend.r2 ?? 0) > 0), 'and HAProxy sends to it again')
  })

  test('a fixed port another program holds: exit 3 before anything starts', async () => {
    const holder: Server = createServer()
    const busy = await freePort()
    await new Promise<void>((resolve) => holder.listen(busy, '127.0.0.1', resolve))
    try {
      const file = scenarioFile('port-taken', `replicas: {ports: [${await freePort()}, ${busy}]}\nbalancer: {kind: none}\n${load('1s')}`)
      const {code, stderr} = await lbbench(file)
      assert.equal(code, 3, stderr)
      assert.match(stderr, new RegExp(`replicas\\.ports: port ${busy} \\(for r2\\) is in use by another program on 127\\.0\\.0\\.1`))
    } finally {
      holder.close()
    }
  })
})

describe("a running system behind lbbench's own balancers", () => {
  for (const kind of ['builtin', 'nginx', 'haproxy']) {
    test(`${kind}: external replicas on 127.0.0.1 and [::1], each reached and counted`, {skip: kind === 'builtin' ? false : skipWithout(kind)}, async () => {
      const ports = [await freePort(), await freePort()]
      const apps = ports.map((port, i) => spawn(process.execPath, [app], {env: {...process.env, PORT: String(port), HOST: i === 0 ? '127.0.0.1' : '::1', REPLICA: `app${i + 1}`}, stdio: 'ignore'}))
      started.push(...apps)
      assert.ok(await waitForHttp(`http://[::1]:${ports[1]}/`, 10_000), 'the app on ::1 answers')
      const file = scenarioFile(`on-both-${kind}`, `replicas: {kind: external, addresses: [127.0.0.1:${ports[0]}, "[::1]:${ports[1]}"]}\nbalancer: {kind: ${kind}}\n${load('1s')}`)
      const {code, stderr, report} = await lbbench(file)
      for (const a of apps) a.kill('SIGTERM')
      assert.equal(code, 0, stderr)
      assert.deepEqual(report!.backends.map((b) => b.id), ['r1', 'r2'])
      for (const b of report!.backends) assert.ok(Math.abs(b.share - 0.5) < 0.05, `${b.id}: ${b.share}`)
      assert.equal(report!.summary.requests.failed, 0)
    })
  }
})

describe('a system that is not there', () => {
  test('external replicas that do not answer: exit 3, naming each', async () => {
    const [a, b] = [await freePort(), await freePort()]
    const file = scenarioFile('replicas-gone', `replicas: {kind: external, addresses: [127.0.0.1:${a}, 127.0.0.1:${b}], ready: {timeout: 500ms}}\nbalancer: {kind: none}\n${load('1s')}`)
    const {code, stderr} = await lbbench(file)
    assert.equal(code, 3, stderr)
    assert.match(stderr, /external replicas are not ready \(lbbench does not start them: start them before the run\)/)
    assert.match(stderr, new RegExp(`r2 at 127\\.0\\.0\\.1:${b}: not ready after 0\\.5 s: GET / on 127\\.0\\.0\\.1:${b} \\(ECONNREFUSED\\)`))
  })

  test('an external balancer that does not answer: exit 3', async () => {
    const port = await freePort()
    const file = scenarioFile('balancer-gone', `balancer: {kind: external, url: "http://127.0.0.1:${port}"}\n${load('1s')}`)
    const {code, stderr} = await lbbench(file)
    assert.equal(code, 3, stderr)
    assert.match(stderr, new RegExp(`nothing answered at http://127\\.0\\.0\\.1:${port} within 5 s: lbbench does not start an external balancer`))
  })
})
