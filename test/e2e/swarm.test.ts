// Swarm replicas through the compiled CLI (`npm run build` first), on every way a run can end: no
// service and no container of the run is left after success, a failure, Ctrl-C, or a SIGKILL followed by
// `lbbench clean`. An engine that is no swarm manager (a second dockerd beside the first, with its own
// sockets and folders) ends the run with exit 3 and the command that makes it one.
import {test, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli, waitForOutput} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

const info = spawnSync('docker', ['info', '--format', '{{.Swarm.ControlAvailable}}'], {encoding: 'utf8'})
const manager = info.status === 0 && info.stdout.trim() === 'true'
const skip = !manager && !process.env.CI ? 'no Docker engine that is a swarm manager' : false

function tmp(): string {
  return tempDir('swarm')
}

function scenario(extra = '', replicas = '{kind: swarm, count: 2, image: lbbench-hello, restartDelay: 0s, ready: {path: /, timeout: 20s}}', seconds = 2): string {
  const file = join(tmp(), 'scenario.yaml')
  writeFileSync(file, `name: swarm-e2e\nreplicas: ${replicas}\nload: {connections: 2, phases: [{name: steady, duration: ${seconds}s}]}\n${extra}`)
  return file
}

function leftOf(runId: string): string[] {
  const filter = ['--filter', `label=lbbench.run=${runId}`]
  const services = spawnSync('docker', ['service', 'ls', '-q', ...filter], {encoding: 'utf8'}).stdout
  const containers = spawnSync('docker', ['ps', '-aq', ...filter], {encoding: 'utf8'}).stdout
  return [...services.split('\n').filter(Boolean).map((s) => `service ${s}`), ...containers.split('\n').filter(Boolean).map((c) => `container ${c}`)]
}

test('a run that succeeds leaves no service and no container; a kill is on the timeline with its replacement', {skip}, async () => {
  const out = tmp()
  const r = await cli(['run', scenario('faults: [{at: 500ms, action: kill, target: r2}]\n'), '--out', out, '--format', 'json']).done
  assert.equal(r.code, 0, r.stderr)
  const [runId] = readdirSync(out)
  assert.deepEqual(leftOf(runId), [])
  assert.match(r.stderr, /task-die r2 .*SIGKILL/)
  assert.match(r.stderr, /task-start r2/)
})

test('a run that fails (its tasks never answer) exits 3 and leaves nothing', {skip}, async () => {
  const out = tmp()
  // lbbench-node has no /bin/sh, through which another image's task learns its port: it never starts.
  const r = await cli(['run', scenario('', '{kind: swarm, count: 1, image: "lbbench-node:20", ready: {timeout: 3s}}'), '--out', out]).done
  assert.equal(r.code, 3, r.stderr)
  assert.match(r.stderr, /r1 \(slot 1 of the swarm service\) did not become ready within 3 s/)
  const [runId] = readdirSync(out)
  assert.deepEqual(leftOf(runId), [])
})

test('Ctrl-C while measuring: the report is written, marked aborted, and nothing is left', {skip}, async () => {
  const out = tmp()
  const run = cli(['run', scenario('', undefined, 20), '--out', out])
  await waitForOutput(run, 'phase steady started', 60_000)
  run.child.kill('SIGINT')
  const r = await run.done
  assert.equal(r.code, 130, r.stderr)
  const [runId] = readdirSync(out)
  const report = JSON.parse(readFileSync(join(out, runId, 'report.json'), 'utf8')) as {meta: {aborted?: unknown}}
  assert.ok(report.meta.aborted, 'marked aborted')
  assert.deepEqual(leftOf(runId), [])
})

test('SIGKILL leaves the service running; lbbench clean removes it and its containers', {skip}, async () => {
  const out = tmp()
  const run = cli(['run', scenario('', undefined, 20), '--out', out])
  await waitForOutput(run, 'phase steady started', 60_000)
  run.child.kill('SIGKILL')
  await run.done
  const [runId] = readdirSync(out)
  assert.equal(leftOf(runId).filter((x) => x.startsWith('service')).length, 1, 'the service outlives its lbbench')
  const clean = await cli(['clean']).done
  assert.equal(clean.code, 0, clean.stderr)
  assert.match(clean.stdout, new RegExp(`removed swarm service lbbench-\\S+ \\(run ${runId}\\)`))
  assert.deepEqual(leftOf(runId), [])
})

test('an engine that is no swarm manager: exit 3 with the command that makes it one', {skip: skip || (process.getuid?.() !== 0 && !process.env.CI ? 'a second dockerd needs root' : false)}, async () => {
  const dir = tmp()
  const socket = join(dir, 'docker.sock')
  // A second engine beside the first: its own socket, data, exec root (its own containerd) and pid file.
  const dockerd = spawn('dockerd', ['--host', `unix://${socket}`, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid'), '--bridge=none', '--iptables=false'], {stdio: 'ignore'})
  const ended = new Promise((r) => dockerd.once('exit', r))
  after(async () => {
    dockerd.kill('SIGTERM')
    await ended
    // The engine may leave its default network namespace mounted under its exec root.
    spawnSync('umount', [join(dir, 'exec', 'netns', 'default')], {stdio: 'ignore'})
    spawnSync('rm', ['-rf', dir])
  })
  const env = {DOCKER_HOST: `unix://${socket}`}
  for (let i = 0; i < 100 && spawnSync('docker', ['info'], {env: {...process.env, ...env}, stdio: 'ignore'}).status !== 0; i++) await new Promise((r) => setTimeout(r, 100))
  const r = await cli(['run', scenario(), '--out', tmp()], env).done
  assert.equal(r.code, 3, r.stderr)
  assert.match(r.stderr, /is not a swarm manager \(swarm state: inactive\); make it one with: docker swarm init --advertise-addr 127\.0\.0\.1/)
})
