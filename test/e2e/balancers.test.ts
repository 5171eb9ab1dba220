// nginx, HAProxy and Node's cluster as the balancer under test, end to end through the compiled CLI
// (`npm run build` first): even round-robin, the generated config saved and printed, a SIGKILLed replica
// under load (nginx retries the refused connect; HAProxy fails requests until its checks mark the server
// DOWN unless retries + option redispatch send them elsewhere), the cluster balancer's connections and
// requests per backend, no nginx or haproxy left after a run or Ctrl-C, and `lbbench compare` across
// balancer kinds. Each run is short; the scenarios are written to a temporary folder.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {cli, leftAfter, processesMarked, reportPath, root, stillThereAfter, waitForOutput, type CliRun} from '../helpers/cli.js'
import {skipWithout} from '../helpers/programs.js'
import {groupMembers} from '../../src/process/process-group.js'
import {groupLeadersNaming} from '../helpers/group-leaders.js'

const dir = mkdtempSync(join(tmpdir(), 'lbbench-balancers-'))
after(() => rmSync(dir, {recursive: true, force: true}))

interface Options {
  kind: string
  balancer?: string
  steady?: string
  connections?: number
  /** More keys of the load section, e.g. `keepAlive: {requests: 20}`. */
  load?: string
  faults?: string
}

/** A scenario of four built-in app replicas behind `kind`, written to the temporary folder. */
function scenario(name: string, o: Options): string {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(
    file,
    `name: ${name}
seed: 7
replicas:
  count: 4
  ready: {timeout: 30s}     # the machine is shared with other tests
  app: {latency: 1ms}
balancer:
  kind: ${o.kind}
${(o.balancer ?? '').replace(/^/gm, '  ')}
load:
  connections: ${o.connections ?? 8}
${o.load ? `  ${o.load}\n` : ''}  phases:
    - {name: warmup, duration: 300ms, measure: false}
    - {name: steady, duration: ${o.steady ?? '1500ms'}}
${o.faults ? `faults:\n${o.faults.replace(/^/gm, '  ')}` : ''}
`,
  )
  return file
}

interface Finished {
  code: number
  stdout: string
  stderr: string
  report: Report
  runDir: string
}

// The parts of report.json these tests read.
interface Report {
  summary: {requests: {sent: number; completed: number; failed: number}; errors: {non2xx: number}; throughput: {rps: number; connectionsPerSec?: number}}
  fairness: {jain: number}
  backends: Array<{id: string; requests: number; share: number; attempts?: number; connections?: number; events: Array<{state: string}>}>
  failover: Array<{target: string; atMs: number; failed: number; ttdMs: number | null; ttdBalancerMs: number | null}>
  series: Array<{tMs: number; failed: number; perBackend: Record<string, number>}>
  timeline: Array<{atMs: number; kind: string; target?: string; detail: string}>
  meta: {proxy?: {cpuPct: number}; environment: {balancerVersion?: string}}
}

function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], {encoding: 'utf8'}).trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return [] // exit 1: nothing matched
  }
}

/** Processes whose command line names the run's folder (nginx -c …/nginx.conf, haproxy -f …/haproxy.cfg), once they have had `ms` to go. */
function leftInFolder(runDir: string, ms: number): Promise<number[]> {
  return stillThereAfter(() => pgrep(runDir), ms)
}

async function finish(run: CliRun): Promise<Finished> {
  const {code, stdout, stderr} = await run.done
  const file = reportPath(stderr)
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report
  const runDir = dirname(file)
  assert.deepEqual(await leftAfter(run.mark, 3000), [], 'every process of the run has gone')
  assert.deepEqual(await leftInFolder(runDir, 1000), [], `nothing runs from ${runDir}`)
  return {code, stdout, stderr, report, runDir}
}

function assertEven(r: Report): void {
  const total = r.backends.reduce((n, b) => n + b.requests, 0)
  assert.ok(total > 200, `load went through: ${total}`)
  for (const b of r.backends) assert.ok(Math.abs(b.share - 0.25) <= 0.02, `${b.id}: ${(b.share * 100).toFixed(2)} % of ${total}`)
}

const killR2 = `- {at: 1s, action: kill, target: r2}`

describe('nginx through lbbench run', {skip: skipWithout('nginx')}, () => {
  test('round-robin is even; nginx.conf is saved in the run folder and --print-config prints it; attempts from the access log', async () => {
    const file = scenario('nginx-even', {kind: 'nginx', balancer: 'strategy: round-robin'})
    const run = await finish(cli(['run', file, '--print-config', '--out', join(dir, 'out')]))
    assert.equal(run.code, 0, run.stderr)
    assertEven(run.report)
    assert.equal(run.report.summary.requests.failed, 0)
    const saved = readFileSync(join(run.runDir, 'nginx.conf'), 'utf8')
    assert.match(saved, /upstream lbbench_backends \{/)
    assert.match(run.stderr, /upstream lbbench_backends \{/, '--print-config prints it to stderr')
    assert.ok(run.stderr.includes(saved.trim()), 'the printed config is the saved one')
    assert.match(run.report.meta.environment.balancerVersion ?? '', /^nginx\/\d+\.\d+/)
    // Attempts come from nginx's access log, counted over the measured time like the requests beside them:
    // one per request, and the requests cut off when the load stopped (at most one per connection) were
    // attempts too; give or take a few where the 100 ms buckets meet the warm-up.
    for (const b of run.report.backends) {
      const extra = (b.attempts ?? 0) - b.requests
      const few = Math.max(3, b.requests * 0.01)
      assert.ok(extra >= -few && extra <= 8 + few, `${b.id}: no retries, one attempt per request: ${b.attempts} attempts, ${b.requests} requests`)
    }
  })

  test('a replica SIGKILLed under load costs no failed GET (proxy_next_upstream error timeout); nginx marks it down', async () => {
    const file = scenario('nginx-kill', {kind: 'nginx', balancer: 'retries: 1', steady: '3s', faults: killR2})
    const run = await finish(cli(['run', file, '--out', join(dir, 'out')]))
    const r = run.report
    assert.equal(r.summary.requests.failed, 0, JSON.stringify(r.summary))
    assert.equal(r.failover.length, 1)
    assert.equal(r.failover[0].failed, 0)
    // The error log's "upstream server temporarily disabled" is r2's backend-down event, soon after the kill.
    const down = r.timeline.find((e) => e.kind === 'backend-down' && e.target === 'r2')
    assert.ok(down, `a backend-down event for r2: ${JSON.stringify(r.timeline)}`)
    assert.ok(down.atMs >= r.failover[0].atMs - 5 && down.atMs < r.failover[0].atMs + 1500, `down at ${down.atMs} ms`)
    assert.ok(r.backends.find((b) => b.id === 'r2')!.events.some((e) => e.state === 'marked down'))
    // The access log's attempts (100 ms buckets) say when nginx stopped sending to r2.
    assert.ok(r.failover[0].ttdMs !== null && r.failover[0].ttdMs < 1000, `ttd ${r.failover[0].ttdMs}`)
    assert.equal(run.code, 0, run.stderr)
  })
})

describe('HAProxy through lbbench run', {skip: skipWithout('haproxy')}, () => {
  test('roundrobin is even; haproxy.cfg is saved in the run folder and --print-config prints it', async () => {
    const file = scenario('haproxy-even', {kind: 'haproxy', balancer: 'strategy: round-robin'})
    const run = await finish(cli(['run', file, '--print-config', '--out', join(dir, 'out')]))
    assert.equal(run.code, 0, run.stderr)
    assertEven(run.report)
    const saved = readFileSync(join(run.runDir, 'haproxy.cfg'), 'utf8')
    assert.match(saved, /^backend lbbench_backends$/m)
    assert.match(saved, /balance roundrobin/)
    assert.match(run.stderr, /^backend lbbench_backends$/m, '--print-config prints it to stderr')
    assert.match(run.report.meta.environment.balancerVersion ?? '', /^haproxy\/\d+\.\d+/)
    // Attempts from show stat's counters (stot + wretr) polled every 100 ms into 100 ms buckets, counted over
    // the measured time like the requests beside them, not since HAProxy started (the warm-up would add
    // 20%). A poll places an increase within about half a poll of when it happened, so the edges move a few.
    for (const b of run.report.backends) {
      assert.ok(Math.abs((b.attempts ?? 0) - b.requests) <= Math.max(10, b.requests * 0.12), `${b.id}: ${b.attempts} attempts, ${b.requests} requests`)
    }
  })

  // HAProxy's default checks (check inter 1s fall 3 rise 2, from health.active's defaults), no retries:
  // HAProxy writes `retries 0` and no `option redispatch`, so every request balanced to the dead r2 is a
  // 503 until the checks mark it DOWN; after that, none (haproxy-config.ts).
  test('without retries a SIGKILLed replica fails requests (503) until its checks mark it DOWN, then none', async () => {
    const file = scenario('haproxy-noretry', {kind: 'haproxy', balancer: 'retries: 0\nhealth: {active: {}}', steady: '6s', faults: killR2})
    const run = await finish(cli(['run', file, '--out', join(dir, 'out')]))
    const r = run.report
    const kill = r.failover[0]
    const down = r.timeline.find((e) => e.kind === 'backend-down' && e.target === 'r2')
    assert.ok(down, `show stat marked r2 DOWN: ${JSON.stringify(r.timeline)}`)
    assert.match(down.detail, /^DOWN/)
    // At most 3 s by HAProxy's arithmetic (the first check within inter, then 2 more failed ones), seen by a
    // stats poll every 250 ms; 1.5 s of slack for a busy machine's poll.
    assert.ok(down.atMs > kill.atMs && down.atMs < kill.atMs + 4500, `DOWN ${down.atMs - kill.atMs} ms after the kill`)
    assert.ok(kill.failed > 0, `requests failed until DOWN: ${JSON.stringify(kill)}`)
    // HAProxy answers them 503 (a request in flight on r2 at the kill may see its connection reset).
    assert.ok(r.summary.errors.non2xx >= r.summary.requests.failed - 8, `HAProxy answered them 503: ${JSON.stringify(r.summary)}`)
    // Nothing fails in the seconds that start after DOWN (a 503 is immediate; DOWN is seen ≤ 250 ms late).
    const after = r.series.filter((p) => p.tMs >= down.atMs + 300)
    assert.ok(after.length > 0, `a whole second after DOWN at ${down.atMs} ms`)
    for (const p of after) assert.equal(p.failed, 0, `t=${p.tMs}: ${p.failed} failed after DOWN`)
    assert.ok(r.backends.find((b) => b.id === 'r2')!.events.some((e) => e.state === 'marked down'))
  })

  test('with retries and option redispatch a SIGKILLed replica costs about no request; DOWN all the same', async () => {
    const file = scenario('haproxy-redispatch', {kind: 'haproxy', balancer: 'retries: 1\nhealth: {active: {}}', steady: '5s', faults: killR2})
    const run = await finish(cli(['run', file, '--out', join(dir, 'out')]))
    const r = run.report
    // A refused connect or an empty response is retried on another server (retry-on conn-failure
    // empty-response …, option redispatch 1): nothing reaches the client.
    assert.ok(r.summary.requests.failed <= 1, `failed: ${JSON.stringify(r.summary)}`)
    assert.ok(r.timeline.some((e) => e.kind === 'backend-down' && e.target === 'r2'), 'r2 marked DOWN by its checks')
    // After DOWN nothing is balanced to r2; its attempts (stot + wretr) are more than the answers it gave.
    const r2 = r.backends.find((b) => b.id === 'r2')!
    assert.ok((r2.attempts ?? 0) > r2.requests, `r2: ${r2.attempts} attempts, ${r2.requests} answered`)
  })
})

test('cluster: the primary balances connections; the report and the terminal show connections and requests per backend, and a note that 6 cannot split evenly over 4', async () => {
  const file = scenario('cluster-counts', {kind: 'cluster', connections: 6})
  const run = await finish(cli(['run', file, '--out', join(dir, 'out')]))
  assert.equal(run.code, 0, run.stderr)
  const r = run.report
  assert.equal(r.summary.requests.failed, 0)
  for (const b of r.backends) {
    assert.ok((b.connections ?? 0) >= 1, `${b.id} accepted connections: ${JSON.stringify(b)}`)
    assert.ok(b.requests > 0, `${b.id} served requests`)
    assert.ok((b.attempts ?? 0) >= b.requests, `${b.id}: requests counted by the worker itself`)
  }
  // 6 connections, handed out round-robin by the primary (a phase change may reconnect them).
  const connections = r.backends.reduce((n, b) => n + (b.connections ?? 0), 0)
  assert.ok(connections >= 6, `${connections} connections`)
  const split = r.timeline.filter((e) => e.kind === 'connection-split')
  assert.equal(split.length, 1, JSON.stringify(r.timeline))
  assert.ok(split[0].atMs < 0, 'said before the load')
  assert.match(split[0].detail, /^load\.connections 6 over 4 replicas, and Node's cluster hands out connections, not requests, .*at best 2 or 1 connections each/)
  assert.match(run.stderr + run.stdout, /connection-split/)
  const header = run.stdout.split('\n').find((l) => /backend\s+requests/.test(l))
  assert.ok(header && /connections/.test(header), `the backends table has a connections column:\n${run.stdout}`)
})

test("ip-hash by the client's address: one replica gets every request, as the note before the load says", async () => {
  const file = scenario('ip-hash-one-address', {kind: 'builtin', balancer: 'strategy: ip-hash'})
  const run = await finish(cli(['run', file, '--out', join(dir, 'out')]))
  assert.equal(run.code, 0, run.stderr)
  const r = run.report
  const notes = r.timeline.filter((e) => e.kind === 'one-client-address')
  assert.equal(notes.length, 1, JSON.stringify(r.timeline))
  assert.ok(notes[0].atMs < 0, 'said before the load')
  assert.match(notes[0].detail, /^balancer\.hashKey ip: every connection of the load generator comes from one address .*, so ip-hash sends every request to one replica; /)
  const served = r.backends.filter((b) => b.requests > 0)
  assert.equal(served.length, 1, JSON.stringify(r.backends.map((b) => [b.id, b.requests])))
  assert.ok(r.summary.requests.completed > 100 && served[0].requests === r.summary.requests.completed)
  assert.match(run.stdout, /note: balancer\.hashKey ip: /)
})

test('cluster with keepAlive {requests: 20}: the primary hands out every renewed connection in turn, so 6 connections split 4 replicas evenly after all', async () => {
  const file = scenario('cluster-renewed', {kind: 'cluster', connections: 6, load: 'keepAlive: {requests: 20}'})
  const run = await finish(cli(['run', file, '--out', join(dir, 'out')]))
  assert.equal(run.code, 0, run.stderr)
  const r = run.report
  assert.equal(r.summary.requests.failed, 0)
  assert.deepEqual(r.timeline.filter((e) => e.kind === 'connection-split'), [], 'no note: the connections are picked again')
  assert.ok((r.summary.throughput.connectionsPerSec ?? 0) > r.summary.throughput.rps / 25, JSON.stringify(r.summary.throughput))
  // Kept for good, 6 connections would be 2, 2, 1 and 1 (Jain 0.9 at best); renewed, the split evens out.
  assert.ok(r.fairness.jain > 0.97, `Jain ${r.fairness.jain}: ${JSON.stringify(r.backends.map((b) => [b.id, b.requests, b.connections]))}`)
  assert.match(run.stdout, /new connections\/s/)
})

for (const [kind, program] of [
  ['nginx', 'nginx'],
  ['haproxy', 'haproxy'],
] as const) {
  test(`Ctrl-C during a run through ${kind}: exit 130, the report so far, no ${kind} left`, {skip: skipWithout(program)}, async () => {
    const file = scenario(`${kind}-sigint`, {kind, steady: '20s'})
    const started = cli(['run', file, '--out', join(dir, 'out')])
    await waitForOutput(started, /phase steady started/, 60_000)
    assert.ok(processesMarked(started.mark).length > 0)
    // Its workers are found by the master's process group (test/helpers/group-leaders.ts).
    const groups = groupLeadersNaming(join(dir, 'out'))
    assert.equal(groups.length, 1, `one ${kind} master names the run's folder: ${groups}`)
    started.child.kill('SIGINT')
    const run = await finish(started)
    assert.equal(run.code, 130, run.stderr)
    assert.deepEqual(await stillThereAfter(() => groups.flatMap((g) => groupMembers(g)), 1000), [], `no ${kind} process (or worker) is left`)
    assert.ok(run.report.summary.requests.completed > 0, 'what was measured is kept')
    assert.ok(existsSync(join(run.runDir, kind === 'nginx' ? 'nginx.conf' : 'haproxy.cfg')))
  })
}

test('compare --balancers builtin,nginx,haproxy,none: one table with a balancer CPU row, comparison.json', {skip: skipWithout('nginx') || skipWithout('haproxy')}, async () => {
  const file = scenario('kinds', {kind: 'builtin', connections: 4, steady: '1s'})
  const out = join(dir, 'compare')
  const run = cli(['compare', file, '--balancers', 'builtin,nginx,haproxy,none', '--out', out])
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 0, stderr)
  const header = stdout.split('\n').find((l) => /builtin\s+nginx\s+haproxy\s+none/.test(l))
  assert.ok(header, `a column per balancer:\n${stdout}`)
  const cpu = stdout.split('\n').find((l) => /balancer CPU/.test(l))
  assert.ok(cpu, `a balancer CPU row:\n${stdout}`)
  // none has no process of its own: no figure, not a 0% that looks measured.
  // (A signed figure such as -38.0% is the change against the first subject.)
  assert.equal(cpu.match(/(?<![\d.+-])\d+%/g)?.length, 3, cpu)
  assert.match(cpu, /\s–\s*$/, cpu)
  const m = /comparison: (\S+comparison\.json)/.exec(stderr)
  assert.ok(m, stderr)
  const c = JSON.parse(readFileSync(join(root, m[1]), 'utf8')) as {subjects: Array<{label: string; balancer: string; reports: Report[]}>}
  assert.deepEqual(c.subjects.map((s) => s.balancer), ['builtin', 'nginx', 'haproxy', 'none'])
  for (const s of c.subjects) {
    const r = s.reports[0]
    assert.ok(r.summary.requests.completed > 50, `${s.label}: load went through`)
    assert.equal(r.summary.requests.failed, 0, s.label)
    // Every kind with a process of its own has its CPU measured from /proc; none has nothing to measure.
    if (s.balancer === 'none') assert.equal(r.meta.proxy, undefined, s.label)
    else assert.ok(r.meta.proxy!.cpuPct > 0, `${s.label}: ${r.meta.proxy!.cpuPct}%`)
  }
  // Each run has its own folder beside comparison.json; nginx's and HAProxy's keep their configs.
  const runs = readdirSync(dirname(join(root, m[1]))).filter((f) => f.startsWith('kinds-'))
  assert.equal(runs.length, 4)
  assert.equal(runs.filter((f) => existsSync(join(dirname(join(root, m[1])), f, 'nginx.conf'))).length, 1)
  assert.equal(runs.filter((f) => existsSync(join(dirname(join(root, m[1])), f, 'haproxy.cfg'))).length, 1)
  assert.deepEqual(await leftAfter(run.mark, 3000), [])
  assert.deepEqual(await leftInFolder(out, 1000), [])
})
