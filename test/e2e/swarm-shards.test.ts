// load.generators {count: 2, on: swarm} through the compiled CLI (`npm run build` first): the shipped
// scenario's load runs as a Swarm replicated job of the lbbench image (built on first use, which takes
// up to a minute), its shards start together, and nothing of the job is left afterwards, nor after a
// SIGKILLed lbbench and `lbbench clean`. Needs a Docker engine that is a swarm manager (.ci/run makes
// one); skipped elsewhere outside CI.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {cli, reportPath, waitForOutput} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

const info = spawnSync('docker', ['info', '--format', '{{.Swarm.ControlAvailable}}'], {encoding: 'utf8'})
const manager = info.status === 0 && info.stdout.trim() === 'true'
const skip = !manager && !process.env.CI ? 'no Docker engine that is a swarm manager' : false

interface Report {
  summary: {requests: {sent: number; completed: number}}
  meta: {generator: {saturated: boolean; shards?: Array<{index: number; requests: number; lateMs: number; error?: string}>; skewBoundMs?: number}}
}

function leftOf(runId: string): string[] {
  const filter = ['--filter', `label=lbbench.run=${runId}`]
  const services = spawnSync('docker', ['service', 'ls', '-q', ...filter], {encoding: 'utf8'}).stdout
  const containers = spawnSync('docker', ['ps', '-aq', ...filter], {encoding: 'utf8'}).stdout
  return [...services.split('\n').filter(Boolean).map((s) => `service ${s}`), ...containers.split('\n').filter(Boolean).map((c) => `container ${c}`)]
}

test('the shipped sharded scenario: two swarm shards start at their instant, not a lead later, merge into the run, and leave nothing', {skip, timeout: 240_000}, async () => {
  const out = tempDir('swarm-shards')
  const r = await cli(['run', 'scenarios/sharded.yaml', '--out', out, '--format', 'json']).done
  assert.equal(r.code, 0, r.stderr)
  const report = JSON.parse(readFileSync(reportPath(r.stderr), 'utf8')) as Report
  const shards = report.meta.generator.shards ?? []
  assert.deepEqual(shards.map((s) => s.index), [0, 1])
  // The instant is 3 s (the lead) after the job is made. On an idle machine a shard is a few ms late; one
  // whose container and Node processes need longer than the lead to start starts at once when ready, and
  // says how late (two runs side by side on a busy 2-core machine: 340 to 450 ms). So the bound is the
  // lead, which a shard that waited a lead past the instant breaks.
  for (const s of shards) assert.ok(s.lateMs >= 0 && s.lateMs < 3000, `shard ${s.index} started ${s.lateMs} ms late`)
  // Each ran its phases to the end (one whose load began late runs past them and is stopped, with an error).
  for (const s of shards) assert.equal(s.error, undefined, `shard ${s.index}`)
  // 400/s for 3 s, split in two: about 600 each, and the run's count is theirs together. A client waits for
  // its response before it sends again, so a starved proxy or replica means fewer requests, from both
  // shards alike: never more than the schedule, the same share each, at least half the schedule.
  for (const s of shards) assert.ok(s.requests <= 620 && s.requests >= 300, `shard ${s.index}: ${s.requests} requests of 600 scheduled`)
  const [r0, r1] = shards.map((s) => s.requests)
  assert.ok(Math.abs(r0 - r1) <= 4 + 0.1 * Math.max(r0, r1), `the rate split in two: ${r0} and ${r1}`)
  assert.equal(shards.reduce((n, s) => n + s.requests, 0), report.summary.requests.sent)
  const [runId] = readdirSync(out)
  assert.deepEqual(leftOf(runId), [])
})

test('after lbbench is SIGKILLed mid-run, lbbench clean removes the shards\' job and containers', {skip, timeout: 120_000}, async () => {
  const out = tempDir('swarm-shards')
  const run = cli(['run', 'scenarios/sharded.yaml', '--out', out])
  await waitForOutput(run, /load shards in swarm job/, 90_000)
  run.child.kill('SIGKILL')
  await run.done
  const [runId] = readdirSync(out)
  assert.notDeepEqual(leftOf(runId), [], 'the job is still there once its lbbench is gone')
  const clean = await cli(['clean']).done
  assert.equal(clean.code, 0, clean.stderr)
  assert.match(clean.stdout, /removed swarm service lbbench-shards-/)
  assert.deepEqual(leftOf(runId), [])
})
