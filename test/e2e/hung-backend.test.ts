// hung-backend.yaml (passive health only) against hung-backend-active.yaml (active checks), through the
// compiled CLI with --json: the same SIGSTOP of r2, and a time to detect that differs by the per-try
// timeout (3 s) against interval × fall + timeout (700 ms). Run at full length: the per-try timeout and
// the check interval describe the system and do not shrink with --time-scale, so a shorter pause would
// end before passive health could notice at all.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli, leftAfter} from '../helpers/cli.js'
import type {FailoverReport, Report} from '../../src/model/report.js'
import {activeCheckWorstMs} from '../helpers/active-check-bound.js'

async function run(file: string): Promise<Report> {
  const out = mkdtempSync(join(tmpdir(), 'lbbench-hung-'))
  try {
    const r = cli(['run', file, '--json', '--out', out])
    const {code, stdout, stderr} = await r.done
    assert.deepEqual(await leftAfter(r.mark, 3000), [], `${file} left processes behind`)
    const report = JSON.parse(stdout) as Report
    assert.equal(code, report.pass ? 0 : 1, stderr)
    return report
  } finally {
    rmSync(out, {recursive: true, force: true})
  }
}

const pauseOf = (r: Report): FailoverReport => {
  assert.equal(r.failover.length, 1)
  const [f] = r.failover
  assert.deepEqual([f.fault, f.target], ['pause', 'r2'])
  return f
}

test('a hung backend: passive health detects it after the per-try timeout, active checks within interval × fall + timeout', async () => {
  const passive = await run('scenarios/hung-backend.yaml')
  const active = await run('scenarios/hung-backend-active.yaml')
  const p = pauseOf(passive)
  const a = pauseOf(active)

  const perTry = passive.scenario.balancer.timeout
  const check = active.scenario.balancer.health.active!
  const activeBound = activeCheckWorstMs(check)
  assert.equal(perTry, 3000)
  assert.equal(activeBound, 700, 'interval × fall + timeout: the timeout is shorter than the interval')

  // Passive: nothing tells the proxy before the first stuck request has waited out its per-try timeout
  // (null would mean not even within the pause: also "much later").
  if (p.ttdBalancerMs !== null && p.ttdBalancerMs !== undefined) {
    assert.ok(p.ttdBalancerMs >= perTry - 50, `passive flip after ${p.ttdBalancerMs} ms`)
  }
  if (p.ttdMs !== null) assert.ok(p.ttdMs >= perTry / 2, `passive: requests to r2 stopped after ${p.ttdMs} ms`)
  const passiveDown = passive.timeline.find((e) => e.kind === 'backend-down' && e.target === 'r2')
  assert.match(passiveDown?.detail ?? '', /passive: .*timeout/)
  // Whether or not it fell within the pause's window, the mark came only after a per-try timeout.
  assert.ok(passiveDown!.atMs - p.atMs >= perTry - 50, `passive mark-down ${passiveDown!.atMs - p.atMs} ms after the pause`)

  // Active: the checks' own arithmetic, with room for a busy machine's timers.
  assert.ok(a.ttdBalancerMs !== null && a.ttdBalancerMs !== undefined, 'active checks marked r2 down')
  assert.ok(a.ttdBalancerMs <= activeBound + 400, `active flip after ${a.ttdBalancerMs} ms`)
  assert.ok(a.ttdMs !== null && a.ttdMs <= activeBound + 400, `active: requests to r2 stopped after ${a.ttdMs} ms`)
  assert.match(active.timeline.find((e) => e.kind === 'backend-down' && e.target === 'r2')?.detail ?? '', /^active: /)

  // The difference the scenarios are about: several times faster with active checks.
  assert.ok((p.ttdBalancerMs ?? Infinity) >= 3 * a.ttdBalancerMs, `passive ${p.ttdBalancerMs} ms vs active ${a.ttdBalancerMs} ms`)
  assert.ok((p.ttdMs ?? Infinity) >= 2 * a.ttdMs, `passive ${p.ttdMs} ms vs active ${a.ttdMs} ms`)
  // Fewer requests got stuck on r2 with active checks; retries hid them from the clients in both.
  assert.ok(a.hidden < p.hidden, `hidden: active ${a.hidden}, passive ${p.hidden}`)
  assert.equal(p.failed, 0)
  assert.equal(a.failed, 0)
})
