// Every fault kind on real cluster replicas of the built-in app behind the built-in proxy, under load,
// through runScenario as `lbbench run` drives it: each test asserts the effect the fault is for, read from
// the report (timeline, backends, series, failover). Phases are short and connections few (2 cores,
// shared); times are asserted against generous bounds, never absolute speeds.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {parseScenarioText} from '../../src/scenario/load.js'
import {processesOfRun} from '../../src/process/processes-of-run.js'
import {runScenario} from '../../src/run/orchestrator.js'
import {deriveSeed, seededRandom} from '../../src/model/random.js'
import type {BackendReport, Report, TimelineEvent} from '../../src/model/report.js'
import {activeCheckWorstMs} from '../helpers/active-check-bound.js'

const dir = await mkdtemp(join(tmpdir(), 'lbbench-faults-'))
after(() => rm(dir, {recursive: true, force: true}))

async function run(yaml: string): Promise<Report> {
  const loaded = parseScenarioText(yaml, join(dir, 'test.yaml'))
  const lines: string[] = []
  const {report, runDir} = await runScenario(loaded, {reportsDir: dir, signal: new AbortController().signal, hooks: {log: (l) => lines.push(l)}})
  // Nothing of the run may outlive it (a SIGSTOPped replica included).
  assert.deepEqual(processesOfRun(basename(runDir)), [], `processes of ${basename(runDir)} left behind`)
  assert.ok(!report.meta.aborted, `the run was aborted: ${report.meta.abortReason}`)
  assert.ok(report.summary.requests.completed > 20, `only ${report.summary.requests.completed} requests completed`)
  return report
}

/** A small scenario: 3 replicas, 6 connections, a short warm-up and `measure` of load. */
function scenario(name: string, parts: {faults: string; balancer?: string; replicas?: string; measure?: string; seed?: number; rate?: number}): string {
  return `
name: ${name}
seed: ${parts.seed ?? 3}
replicas:
  count: 3
  ready: {timeout: 30s}
  app: {latency: 1ms}
${parts.replicas ?? ''}
balancer:
  retries: 1
${parts.balancer ?? ''}
load:
  connections: 6
  timeout: 5s
${parts.rate === undefined ? '' : `  rate: ${parts.rate}\n`}  phases:
    - {name: warmup, duration: 500ms, measure: false}
    - {name: steady, duration: ${parts.measure ?? '3s'}}
faults:
${parts.faults}
`
}

const events = (r: Report, kind: string, target?: string): TimelineEvent[] =>
  r.timeline.filter((e) => e.kind === kind && (target === undefined || e.target === target))
const faultAt = (r: Report, detail: string, target: string): number => {
  const e = r.timeline.find((x) => x.kind === 'fault' && x.target === target && x.detail.startsWith(detail))
  assert.ok(e, `no fault ${detail} on ${target} in the timeline: ${JSON.stringify(r.timeline)}`)
  return e.atMs
}
const backend = (r: Report, id: string): BackendReport => r.backends.find((b) => b.id === id)!
const servedAfter = (r: Report, id: string, fromMs: number): number =>
  r.series.filter((p) => p.tMs >= fromMs).reduce((n, p) => n + (p.perBackend[id] ?? 0), 0)

describe('faults on cluster replicas under load', () => {
  test('pause: the paused replica\'s requests time out and are retried; active checks mark it down within interval × fall + timeout', async () => {
    // Check timings generous enough that a busy 2-core machine does not fail healthy replicas' checks.
    const interval = 250
    const fall = 2
    const timeout = 400
    const r = await run(scenario('fault-pause', {
      balancer: `  timeout: 500ms
  health:
    active: {interval: ${interval}ms, timeout: ${timeout}ms, fall: ${fall}, rise: 1}`,
      faults: '  - {at: 1s, action: pause, target: r2, for: 1500ms}',
    }))
    const paused = faultAt(r, 'pause', 'r2')
    const down = events(r, 'backend-down', 'r2').find((e) => e.atMs >= paused)
    assert.ok(down, `r2 was never marked down: ${JSON.stringify(r.timeline)}`)
    assert.match(down.detail, /^active: /)
    // The checker's arithmetic (timeout > interval here: 1,150 ms), and 300 ms of slack for a busy machine.
    const worst = activeCheckWorstMs({interval, timeout, fall})
    assert.ok(down.atMs - paused <= worst + 300, `marked down ${down.atMs - paused} ms after the pause (bound ${worst} + 300 ms)`)
    const [f] = r.failover
    assert.equal(f.fault, 'pause')
    assert.equal(f.ttdBalancerMs, down.atMs - paused)
    // Requests sent to r2 before the checks caught it timed out after 500 ms and went elsewhere.
    assert.ok(f.hidden >= 1, `no retried attempt: ${JSON.stringify(f)}`)
    assert.equal(r.summary.requests.failed, 0)
    // Resumed after `for`, and one passed check (rise 1) brings it back.
    const resumed = events(r, 'fault-end', 'r2')[0]
    assert.ok(resumed && resumed.atMs - paused >= 1500, `resumed at ${resumed?.atMs}`)
    assert.ok(events(r, 'backend-up', 'r2').some((e) => e.atMs >= resumed.atMs), 'r2 came back up after the resume')
  })

  test('terminate: the replica drains and exits; with retries no client sees a failure', async () => {
    const r = await run(scenario('fault-terminate', {faults: '  - {at: 1s, action: terminate, target: r2}', measure: '2500ms'}))
    const at = faultAt(r, 'terminate', 'r2')
    const exit = events(r, 'replica-exit', 'r2')[0]
    assert.ok(exit && exit.atMs >= at, `no replica-exit for r2: ${JSON.stringify(r.timeline)}`)
    assert.equal(exit.detail, 'exited with code 0')
    assert.equal(events(r, 'replica-crash').length, 0)
    assert.equal(r.summary.requests.failed, 0, JSON.stringify(r.summary.errors))
    assert.equal(r.failover[0].failed, 0)
    // Gone for good (no restart): nothing from it in the seconds after.
    assert.equal(servedAfter(r, 'r2', Math.ceil((exit.atMs + 1) / 1000) * 1000), 0)
  })

  test('restart after kill: the replica comes back under its id, serves again and gets its share back', async () => {
    const r = await run(scenario('fault-restart', {
      faults: '  - {at: 500ms, action: kill, target: r2}\n  - {at: 1s, action: restart, target: r2}',
      // A restart takes a second or more on a busy machine; the share is judged over whole seconds after it.
      measure: '5s',
    }))
    const killed = faultAt(r, 'kill', 'r2')
    assert.ok(events(r, 'replica-exit', 'r2').some((e) => e.atMs >= killed && /SIGKILL/.test(e.detail)))
    const ready = events(r, 'replica-ready', 'r2').find((e) => e.atMs > killed)
    assert.ok(ready, 'r2 ready again after the restart')
    const [f] = r.failover
    assert.equal(f.fault, 'kill')
    assert.notEqual(f.ttdMs, null)
    assert.notEqual(f.ttrMs, null, `r2 never got its share back: ${JSON.stringify(r.series.map((p) => p.perBackend))}`)
    assert.ok(servedAfter(r, 'r2', Math.ceil(ready.atMs / 1000) * 1000) > 0)
    assert.equal(r.summary.requests.failed, 0)
  })

  test('slow: that replica\'s p50 rises by about the added latency, the others\' do not', async () => {
    const added = 50
    const r = await run(scenario('fault-slow', {faults: `  - {at: 0s, action: slow, target: r2, latency: ${added}ms}`, measure: '2s'}))
    const slow = backend(r, 'r2').latencyUs.p50 / 1000
    const others = ['r1', 'r3'].map((id) => backend(r, id).latencyUs.p50 / 1000)
    for (const p50 of others) {
      assert.ok(p50 < added / 2, `an unslowed replica's p50 is ${p50} ms`)
      const rise = slow - p50
      assert.ok(rise >= added * 0.8 && rise <= added * 1.6, `r2's p50 ${slow} ms is ${rise} ms over another's`)
    }
  })

  test('fail 503 × 100%: the 5xx come from that replica only', async () => {
    // At a fixed rate (r2's share: 100 a second) the count answered before the fault took effect depends on
    // how long its message took, not on how fast this machine serves: 12 allows 0.1 s of delivery.
    const r = await run(scenario('fault-fail', {faults: '  - {at: 0s, action: fail, target: r2, status: 503, rate: 1}', measure: '1500ms', rate: 300}))
    const r2 = backend(r, 'r2')
    assert.ok(r2.requests > 100, `r2 served ${r2.requests}`)
    // Some of its requests were answered before the fault reached it at t = 0: those in flight (the measured
    // phase keeps the warm-up's connections and their requests) and those sent while the fault's message
    // travelled to the replica.
    assert.ok(r2.errors >= r2.requests - 12, `r2: ${r2.errors} errors of ${r2.requests}`)
    assert.equal(backend(r, 'r1').errors, 0)
    assert.equal(backend(r, 'r3').errors, 0)
    assert.equal(r.summary.errors.non2xx, r2.errors)
    assert.ok((r.summary.statusCodes['503'] ?? 0) >= r2.errors - 6)
    // Not a failure the proxy retries or counts against health (no passive statuses): r2 keeps its share.
    assert.ok(Math.abs(r2.share - 1 / 3) < 0.05, `r2's share ${r2.share}`)
  })

  test('heal ends a fail early', async () => {
    const r = await run(scenario('fault-heal', {
      faults: '  - {at: 0s, action: fail, target: r2, status: 503, rate: 1}\n  - {at: 1s, action: heal, target: r2}',
      measure: '3s',
    }))
    const healed = faultAt(r, 'heal', 'r2')
    const before = r.series.filter((p) => p.tMs + 1000 <= healed)
    // The seconds that begin after the heal (the change reaches the worker a few ms after the event).
    const after = r.series.filter((p) => p.tMs > healed)
    const seconds = JSON.stringify(r.series.map((p) => ({tMs: p.tMs, errors: p.errors, perBackend: p.perBackend})))
    assert.ok(before.length >= 1 && after.length >= 1, `healed at ${healed} ms; seconds ${seconds}`)
    assert.ok(before.every((p) => p.errors.non2xx > 0), `no 503s before the heal at ${healed} ms: ${seconds}`)
    assert.ok(after.every((p) => p.errors.non2xx === 0), `503s after the heal at ${healed} ms: ${seconds}`)
    assert.ok(servedAfter(r, 'r2', healed + 1) > 0, `r2 served nothing after the heal at ${healed} ms: ${seconds}`)
    // The fail's window ends at the heal: r2 got its share back at once.
    assert.notEqual(r.failover[0].ttrMs, null, `r2 never got its share back after the heal at ${healed} ms: ${seconds}`)
  })

  test('hang: its requests time out and are retried; healed after `for`, it serves again', async () => {
    const r = await run(scenario('fault-hang', {
      balancer: `  timeout: 400ms
  health:
    passive: {maxFails: 1, failTimeout: 500ms}`,
      faults: '  - {at: 500ms, action: hang, target: r2, for: 1500ms}',
      measure: '4s',
    }))
    const hung = faultAt(r, 'hang', 'r2')
    const down = events(r, 'backend-down', 'r2').find((e) => e.atMs >= hung)
    assert.ok(down, 'passive health took r2 out')
    assert.match(down.detail, /timeout/)
    const ended = events(r, 'fault-end', 'r2')[0]
    assert.ok(ended, 'the hang ended')
    assert.ok(ended.atMs - hung >= 1500 && ended.atMs - hung < 2500, `hang ended ${ended.atMs - hung} ms after it began`)
    const [f] = r.failover
    assert.ok(f.hidden >= 1, `no retried attempt: ${JSON.stringify(f)}`)
    assert.equal(r.summary.requests.failed, 0)
    // Back: a probe request after fail_timeout succeeds, and r2 serves again.
    assert.ok(servedAfter(r, 'r2', Math.ceil(ended.atMs / 1000) * 1000) > 0, 'r2 serves after the hang')
    assert.notEqual(f.ttrMs, null)
  })

  test('exec: its output and exit code go on the timeline', async () => {
    const r = await run(scenario('fault-exec', {faults: "  - {at: 300ms, action: exec, command: 'echo hello from exec; echo to stderr >&2; exit 3'}", measure: '1s'}))
    const [result] = events(r, 'exec-result')
    assert.ok(result, `no exec-result: ${JSON.stringify(r.timeline)}`)
    assert.equal(result.detail, 'exit 3: hello from exec\nto stderr')
    assert.ok(result.atMs >= 300)
    assert.ok(events(r, 'fault').some((e) => e.detail === 'exec: echo hello from exec; echo to stderr >&2; exit 3'))
    assert.deepEqual(r.failover, [])
  })

  test('target random: the same seed picks the same replicas, as seededRandom predicts', async () => {
    const faults = [0, 100, 200, 300, 400].map((at) => `  - {at: ${at}ms, action: heal, target: random}`).join('\n')
    const yaml = scenario('fault-random', {faults, measure: '1s', seed: 11})
    const targets = (r: Report) => events(r, 'fault').map((e) => e.target)
    const first = targets(await run(yaml))
    const second = targets(await run(yaml))
    const random = seededRandom(deriveSeed(11, 'fault-targets'))
    const expected = Array.from({length: 5}, () => `r${1 + Math.floor(random() * 3)}`)
    assert.deepEqual(first, expected)
    assert.deepEqual(second, expected)
  })

  // A crash no fault caused: the exec kills r2's worker itself, found by the run id every process of the
  // run inherits (LBBENCH_RUN_ID, also in the exec's environment) and the replica id of cluster workers.
  const killR2 = `for p in /proc/[0-9]*; do grep -qzx "LBBENCH_RUN_ID=$LBBENCH_RUN_ID" $p/environ && grep -qzx LBBENCH_REPLICA=r2 $p/environ && kill -9 \${p#/proc/} && echo killed; done 2>/dev/null; true`

  for (const restart of ['on-failure', 'never'] as const) {
    test(`a crash no fault caused is a replica-crash; restart: ${restart} ${restart === 'never' ? 'leaves it down' : 'starts it again'}`, async () => {
      const r = await run(scenario(`fault-crash-${restart}`, {
        replicas: `  restart: ${restart}`,
        faults: `  - at: 300ms\n    action: exec\n    command: |-\n      ${killR2}`,
        // Room for the restart (a second or more on a busy machine) and a second of serving after it.
        measure: '4s',
      }))
      assert.equal(events(r, 'exec-result')[0]?.detail, 'exit 0: killed')
      const crash = events(r, 'replica-crash', 'r2')[0]
      assert.ok(crash, `no replica-crash: ${JSON.stringify(r.timeline)}`)
      assert.match(crash.detail, /SIGKILL/)
      assert.equal(events(r, 'replica-exit').length, 0)
      const back = events(r, 'replica-ready', 'r2').filter((e) => e.atMs > crash.atMs)
      if (restart === 'on-failure') {
        assert.equal(back.length, 1, 'restarted once')
        assert.ok(servedAfter(r, 'r2', Math.ceil(back[0].atMs / 1000) * 1000) > 0, 'and serving')
      } else {
        assert.equal(back.length, 0)
      }
      assert.equal(r.summary.requests.failed, 0)
    })
  }
})
