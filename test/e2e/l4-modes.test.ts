// balancer.mode tcp end to end through the compiled CLI (`npm run build` first), for nginx (its stream
// module) and HAProxy (mode tcp): four built-in app replicas, one killed under load. Each report counts
// responses per backend from the replicas' own stamp, connections and bytes per backend from the
// balancer (nginx's stream access log, HAProxy's show stat), names the mode in its label, and has the
// killed replica's down event (nginx's error log, HAProxy's server status). Short runs, no process left.
// keepAlive: false, a connection per request: a balancer at L4 notices a dead backend only when a new
// connection to it fails. With keep-alive the only new connections after the kill are the cut clients'
// reconnections, and on a busy machine those can all land on r2 while its listening socket still exists
// (the kernel accepts; the dying process resets), so nginx never saw a failed connect and no down event
// came, without any bug. A connection per request meets the dead backend within a few requests.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli, leftAfter, reportPath} from '../helpers/cli.js'
import {skipWithout} from '../helpers/programs.js'
import {loadDocument} from '../../src/report/load-document.js'

const dir = mkdtempSync(join(tmpdir(), 'lbbench-l4-'))
after(() => rmSync(dir, {recursive: true, force: true}))

interface Report {
  summary: {requests: {completed: number; failed: number}}
  backends: Array<{id: string; requests: number; connections?: number; bytes?: {toBackend: number; fromBackend: number}}>
  timeline: Array<{kind: string; target?: string}>
}

async function runKilled(kind: string, health: string): Promise<{report: Report; stdout: string}> {
  const file = join(dir, `${kind}.yaml`)
  writeFileSync(
    file,
    `name: l4-${kind}
seed: 7
replicas: {count: 4, ready: {timeout: 30s}, app: {latency: 1ms}}
balancer: {kind: ${kind}, mode: tcp, strategy: round-robin, retries: 1, health: ${health}}
load:
  connections: 8
  keepAlive: false
  phases:
    - {name: warmup, duration: 300ms, measure: false}
    - {name: steady, duration: 2500ms}
faults:
  - {at: 500ms, action: kill, target: r2}
`,
  )
  const run = cli(['run', file, '--out', join(dir, 'out')])
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 0, stderr)
  assert.deepEqual(await leftAfter(run.mark, 3000), [], 'every process of the run has gone')
  const path = reportPath(stderr)
  await loadDocument(path) // the report passes lbbench's own report schema
  return {report: JSON.parse(readFileSync(path, 'utf8')) as Report, stdout}
}

function assertL4(r: Report): void {
  assert.ok(r.summary.requests.completed > 100, JSON.stringify(r.summary))
  assert.deepEqual(r.backends.map((b) => b.id), ['r1', 'r2', 'r3', 'r4'])
  for (const b of r.backends) {
    // r2 is killed 500 ms into the measured phase, which a starved machine may spend without it answering.
    if (b.id !== 'r2') assert.ok(b.requests > 0, `${b.id} answered (its own stamp): ${JSON.stringify(b)}`)
    assert.ok((b.connections ?? 0) >= 1, `${b.id}: connections ${JSON.stringify(b)}`)
    assert.ok((b.bytes?.toBackend ?? 0) > 0 && (b.bytes?.fromBackend ?? 0) > (b.bytes?.toBackend ?? 0), `${b.id}: bytes ${JSON.stringify(b.bytes)}`)
  }
  assert.ok(r.timeline.some((e) => e.kind === 'backend-down' && e.target === 'r2'), `r2 marked down: ${JSON.stringify(r.timeline)}`)
}

describe('mode tcp through lbbench run', () => {
  test('nginx stream: connections, bytes and the down event from its logs', {skip: skipWithout('nginx')}, async () => {
    const {report, stdout} = await runKilled('nginx', '{passive: {maxFails: 1, failTimeout: 10s}}')
    assert.match(stdout, /nginx \(round-robin, mode tcp\)/)
    assertL4(report)
  })

  test('HAProxy mode tcp: connections, bytes and the down event from show stat', {skip: skipWithout('haproxy')}, async () => {
    const {report, stdout} = await runKilled('haproxy', '{passive: {maxFails: 1, failTimeout: 10s}}')
    assert.match(stdout, /haproxy \(round-robin, mode tcp\)/)
    assertL4(report)
  })
})
