// The lean engine's request framing against smuggling (RFC 9112 §5–§7), beside nginx, HAProxy and the
// node:http front the other engines use, with the same vectors (framing-vectors.ts) and one recording
// backend. For each balancer the test asserts what it actually does with each vector (docs/proxy-engines.md
// lists where they differ), and for every one of them that the backend never saw a smuggled request.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {createServer, type Server} from 'node:http'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {AddressInfo} from 'node:net'
import {balancerKinds} from '../../src/balancers/registry.js'
import type {Balancer} from '../../src/balancers/balancer.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'
import {skipWithout} from '../helpers/programs.js'
import {send, vectors, type Outcome} from './framing-vectors.js'
import {expected, type Subject} from './framing-expected.js'

/** What the backend received: `METHOD path body-bytes`, one line per request. */
const seen: string[] = []
let backend: Server
let port = 0

before(async () => {
  backend = createServer((req, res) => {
    let n = 0
    req.on('data', (d: Buffer) => (n += d.length))
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${n}`)
      res.writeHead(200, {'content-type': 'text/plain', 'content-length': 3})
      res.end('ok\n')
    })
  })
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve))
  port = (backend.address() as AddressInfo).port
})

after(async () => {
  backend.closeAllConnections()
  await new Promise((resolve) => backend.close(resolve))
})

const subjects: Array<{subject: Subject; kind: string; engine?: 'lean' | 'undici'; skip: false | string}> = [
  {subject: 'lean', kind: 'builtin', engine: 'lean', skip: false},
  {subject: 'node:http', kind: 'builtin', engine: 'undici', skip: false},
  {subject: 'nginx', kind: 'nginx', skip: skipWithout('nginx')},
  {subject: 'haproxy', kind: 'haproxy', skip: skipWithout('haproxy')},
]

/**
 * `400 close`, `200 200 open; GET /next 0, POST / 0` …: the statuses, whether the balancer closed the
 * connection, and the requests the backend received (sorted: the balancer may use two connections).
 */
function summary(o: Outcome, got: string[]): string {
  const s = [...o.statuses, o.closed ? 'close' : 'open'].join(' ')
  return got.length ? `${s}; ${[...got].sort().join(', ')}` : s
}

for (const {subject, kind, engine, skip} of subjects) {
  describe(`request framing: ${subject}`, {skip}, () => {
    let balancer: Balancer
    let balancerPort = 0
    const runDir = mkdtempSync(join(tmpdir(), `lbbench-framing-${subject.replace(':', '-')}-`))

    before(async () => {
      const scenario = balancerScenario({kind, retries: 0, ...(engine ? {engine} : {})}, 1)
      balancer = await balancerKinds.get(kind)!.create({loaded: {scenario, file: 'test', hash: 'test'}, runDir, log: () => {}})
      const [url] = await balancer.start([{id: 'r1', host: '127.0.0.1', port}])
      balancerPort = Number(new URL(url).port)
    })

    after(async () => {
      await balancer.stop()
      rmSync(runDir, {recursive: true, force: true})
    })

    for (const v of vectors) {
      test(`${v.name}: ${[expected[v.name]?.[subject]].flat().join(' or ')}`, async () => {
        const before = seen.length
        const outcome = await send(balancerPort, v.bytes)
        const got = seen.slice(before)
        if (process.env.LBBENCH_FRAMING_PRINT) console.log(`FRAMING|${subject}|${v.name}|${summary(outcome, got)}`)
        assert.ok(!got.some((line) => line.includes('/smuggled')), `the backend saw a smuggled request: ${got.join(', ')}`)
        const want = expected[v.name]?.[subject]
        if (Array.isArray(want)) assert.ok(want.includes(summary(outcome, got)), `${summary(outcome, got)} is none of ${JSON.stringify(want)}`)
        else assert.equal(summary(outcome, got), want)
      })
    }
  })
}
