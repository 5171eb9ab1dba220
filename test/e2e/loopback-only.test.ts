// Safe by default (issue 9): while a run goes on, every socket any process of the run listens on (the
// replicas, the built-in proxy, nginx, HAProxy, the app's control channel, the orchestrator itself) is bound
// to 127.0.0.1 or ::1, read from /proc/net/tcp{,6} for the sockets those processes hold; the control
// channel refuses a request without its token; the run's folders are private (0700). Through the compiled
// CLI (`npm run build` first).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, readlinkSync, statSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {join} from 'node:path'
import {findProgram} from '../../src/process/find-program.js'
import {groupMembers} from '../../src/process/process-group.js'
import {runStateDir} from '../../src/run/state-file.js'
import {cli, leftAfter, processesMarked, root, waitForOutput} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

const LISTEN = '0A'
const LOOPBACK = new Set(['0100007F', '00000000000000000000000001000000'])

/** inode → local address (hex, as in /proc/net/tcp) of every listening TCP socket. */
function listeningSockets(): Map<string, {address: string; port: number}> {
  const out = new Map<string, {address: string; port: number}>()
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f[3] !== LISTEN) continue
      const [address, port] = f[1].split(':')
      out.set(f[9], {address, port: parseInt(port, 16)})
    }
  }
  return out
}

function socketInodes(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
        return m ? [m[1]] : []
      } catch {
        return []
      }
    })
  } catch {
    return []
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()
  } catch {
    return '?'
  }
}

function containerPids(runId: string): Array<{pid: number; env: string[]}> {
  const ids = spawnSync('docker', ['ps', '-q', '--filter', `label=lbbench.run=${runId}`], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean)
  return ids.map((id) => {
    const info = JSON.parse(spawnSync('docker', ['inspect', id], {encoding: 'utf8'}).stdout)[0]
    return {pid: info.State.Pid as number, env: info.Config.Env as string[]}
  })
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, path, headers, agent: false, timeout: 2000}, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

const standalone = join(root, 'dist', 'replicas', 'app', 'standalone.js')

const setups = [
  {name: 'cluster replicas, built-in proxy', replicas: '{count: 2}', balancer: 'builtin', needs: undefined, listeners: 3},
  {name: 'process replicas (the built-in app as a command), nginx', replicas: `{kind: process, count: 2, command: "exec node ${standalone}"}`, balancer: 'nginx', needs: 'nginx', listeners: 3},
  {name: 'cluster replicas, HAProxy', replicas: '{count: 2}', balancer: 'haproxy', needs: 'haproxy', listeners: 3},
  {name: 'Docker replicas with their control channel, built-in proxy', replicas: '{kind: docker, count: 2, image: lbbench-hello, ready: {path: /, timeout: 20s}}', balancer: 'builtin', needs: 'docker', listeners: 5},
] as const

for (const setup of setups) {
  test(`listens on loopback only, folders 0700: ${setup.name}`, async (t) => {
    if (setup.needs) {
      const present = setup.needs === 'docker' ? spawnSync('docker', ['info'], {stdio: 'ignore'}).status === 0 : findProgram(setup.needs) !== undefined
      if (!present) {
        if (process.env.CI) assert.fail(`${setup.needs} is needed`)
        t.skip(`${setup.needs} is not available`)
        return
      }
    }
    const out = tempDir('loopback')
    const file = join(out, 'scenario.yaml')
    writeFileSync(file, `name: loopback\nreplicas: ${setup.replicas}\nbalancer: {kind: ${setup.balancer}}\nload: {connections: 2, phases: [{name: steady, duration: 3s}]}\n`)
    const run = cli(['run', file, '--out', join(out, 'reports')])
    await waitForOutput(run, 'phase steady started', 60_000)
    await new Promise((r) => setTimeout(r, 500))

    const runId = readdirSync(join(out, 'reports'))[0]
    const runDir = join(out, 'reports', runId)
    const containers = setup.needs === 'docker' ? containerPids(runId) : []
    // nginx rewrites its environment (its process title), so the mark does not find it: its master names
    // the run's folder on its command line, and its workers are in the master's process group.
    const masters = spawnSync('pgrep', ['-f', runDir], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean).map(Number)
    const pids = [...new Set([...processesMarked(run.mark), ...masters.flatMap((m) => [m, ...groupMembers(m)]), ...containers.map((c) => c.pid)])]
    const sockets = listeningSockets()
    const found: string[] = []
    for (const pid of pids) {
      for (const inode of socketInodes(pid)) {
        const s = sockets.get(inode)
        if (!s) continue
        found.push(`${s.address}:${s.port}`)
        assert.ok(LOOPBACK.has(s.address), `pid ${pid} (${commandOf(pid)}) listens on ${s.address}:${s.port}, not loopback`)
      }
    }
    // Replicas and the balancer (and the control channels) listen: the check saw them.
    assert.ok(new Set(found).size >= setup.listeners, `listening sockets found: ${[...new Set(found)].join(', ')}`)

    for (const c of containers) {
      const port = Number(c.env.find((e) => e.startsWith('LBBENCH_CONTROL_PORT='))?.split('=')[1])
      assert.ok(port > 0, 'the container has a control channel')
      assert.equal(await get(port, '/control'), 401, 'no token, no control')
      assert.equal(await get(port, '/control', {'x-lbbench-token': 'guess'}), 401, 'a wrong token, no control')
    }

    // The run's folder holds logs, configs and sockets; the state folder names its processes.
    const privateDirs = [runDir, join(runDir, 'replicas'), runStateDir(), join(runStateDir(), '..')]
    if (setup.balancer !== 'builtin') privateDirs.push(join(runDir, setup.balancer))
    for (const dir of privateDirs) {
      try {
        statSync(dir)
      } catch {
        if (dir === join(runDir, 'replicas') && !setup.replicas.includes('process') && !setup.replicas.includes('docker')) continue
        throw new Error(`${dir} is missing`)
      }
      assert.equal((statSync(dir).mode & 0o777).toString(8), '700', `${dir} is private`)
    }
    const {code, stderr} = await run.done
    assert.equal(code, 0, stderr)
    assert.deepEqual(await leftAfter(run.mark, 2500), [])
  })
}
