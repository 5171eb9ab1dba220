// A measured phase after a warm-up with the same connections keeps the warm-up's connections; a phase
// with other connections opens its own. Through the compiled CLI (`npm run build` first), with the
// built-in proxy in mode tcp, which counts the connections it forwarded to each backend over the run:
// 6 (warm-up, kept by the measured phase) + 8 (the next phase's own), never 6 + 6 + 8.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli, leftAfter, reportPath} from '../helpers/cli.js'
import {loadDocument} from '../../src/report/load-document.js'

const dir = mkdtempSync(join(tmpdir(), 'lbbench-kept-'))
after(() => rmSync(dir, {recursive: true, force: true}))

test('warm-up then steady at 6 connections, then 8: the proxy forwarded 14 connections in all', async () => {
  const file = join(dir, 'kept.yaml')
  writeFileSync(
    file,
    `name: kept-connections
seed: 3
replicas: {count: 2, ready: {timeout: 30s}}
balancer: {kind: builtin, mode: tcp, strategy: round-robin}
load:
  connections: 6
  timeout: 20s
  phases:
    - {name: warmup, duration: 500ms, measure: false}
    - {name: steady, duration: 700ms}
    - {name: more, duration: 700ms, connections: 8}
`,
  )
  const run = cli(['run', file, '--out', join(dir, 'out')])
  const {code, stderr} = await run.done
  assert.equal(code, 0, stderr)
  assert.deepEqual(await leftAfter(run.mark, 3000), [], 'every process of the run has gone')
  const path = reportPath(stderr)
  await loadDocument(path) // the report passes lbbench's own report schema
  const report = JSON.parse(readFileSync(path, 'utf8')) as {phases: Record<string, {requests: {completed: number; failed: number}}>; backends: Array<{connections?: number}>}
  for (const name of ['steady', 'more']) {
    assert.ok(report.phases[name].requests.completed > 0 && report.phases[name].requests.failed === 0, `${name}: ${JSON.stringify(report.phases[name].requests)}`)
  }
  assert.equal(report.backends.reduce((n, b) => n + (b.connections ?? 0), 0), 14, JSON.stringify(report.backends))
})
