// What the built-in proxy itself adds to a request's latency, apart from the rest of a run (issue 8's
// "≤ 0.1 ms added p50 over direct"), beside what nginx and HAProxy add in the same conditions (issue 17's
// "≤ 1.5× nginx's"). Standalone, not part of `npm run bench`:
//
//   npm run build && node --import tsx bench/proxy-latency.ts [--rounds 5] [--requests 2000]
//
// Two plain node:http backends (12-byte answers), the compiled proxy as lbbench starts it (its own process,
// round-robin, each engine in turn; then nginx and HAProxy as lbbench configures them, 1 worker each),
// and one keep-alive connection from this process
// sending one request at a time: straight to a backend, then through the proxy. Twice: back to back, and
// with a 1 ms pause after each answer, so every process on the way goes idle between requests as it does
// at 1,000 req/s. The added p50 is proxy p50 − direct p50 within a round; the median over the rounds is
// printed. Back to back shows mostly the proxy's own work per request; the pause adds what waking an idle
// process costs on the machine, which the proxy pays twice per request (request in, answer in).

import {mkdtempSync, rmSync} from 'node:fs'
import {Agent, get} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {proxyEngines} from '../src/proxy/engines.js'
import type {BalancerSpec, LoadedScenario} from '../src/model/scenario.js'
import {parseScenarioText} from '../src/scenario/load.js'
import {stringify} from 'yaml'
import {compiled} from './compiled-cli.js'
import {startBackends} from './plain-backends.js'
import {median} from './rounds.js'

const {values: args} = parseArgs({options: {rounds: {type: 'string', default: '5'}, requests: {type: 'string', default: '2000'}}})
const rounds = Math.max(3, Number(args.rounds))
const requests = Number(args.requests)
const engines = Object.keys(proxyEngines) as Array<BalancerSpec['engine']>
/** Each engine of the built-in proxy, then nginx and HAProxy. */
const subjects = [...engines, 'nginx', 'haproxy']
const pauses = [0, 1]

/** p50 in µs of `n` GETs one after the other on one keep-alive connection, `pauseMs` after each answer. */
async function sequentialP50(port: number, n: number, pauseMs: number): Promise<number> {
  const agent = new Agent({keepAlive: true, maxSockets: 1})
  const took: number[] = []
  try {
    for (let i = 0; i < n; i++) {
      const start = process.hrtime.bigint()
      await new Promise<void>((resolve, reject) => {
        get({host: '127.0.0.1', port, agent}, (res) => {
          res.resume()
          res.on('end', resolve)
        }).on('error', reject)
      })
      took.push(Number(process.hrtime.bigint() - start) / 1000)
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs))
    }
  } finally {
    agent.destroy()
  }
  return median(took)
}

async function main(): Promise<void> {
  const {balancerKinds} = await compiled<typeof import('../src/balancers/registry.js')>('balancers/registry')
  const runDir = mkdtempSync(join(tmpdir(), 'lbbench-proxy-latency-'))
  const {child, ports} = await startBackends(12)
  const added: Record<string, number[]> = {}
  console.log(`proxy latency: ${subjects.join(', ')}; ${rounds} rounds of ${requests} sequential requests per figure, pauses ${pauses.join(' and ')} ms`)
  try {
    for (let round = 0; round < rounds; round++) {
      for (const subject of subjects) {
        const loaded = loadedFor(subject)
        const balancer = await balancerKinds.get(loaded.scenario.balancer.kind)!.create({loaded, runDir: mkdtempSync(join(runDir, `${subject}-`)), log: () => {}})
        try {
          const [url] = await balancer.start(ports.map((port, i) => ({id: `r${i + 1}`, host: '127.0.0.1', port})))
          const proxyPort = Number(new URL(url).port)
          // The JIT needs a few thousand requests through a fresh proxy before its cost settles.
          await sequentialP50(proxyPort, 3000, 0)
          for (const pause of pauses) {
            const direct = await sequentialP50(ports[0], requests, pause)
            const proxied = await sequentialP50(proxyPort, requests, pause)
            ;(added[`${subject}, pause ${pause} ms`] ??= []).push(proxied - direct)
            console.log(`  round ${round + 1}/${rounds} ${subject}, pause ${pause} ms: direct p50 ${direct.toFixed(0)} µs, proxied ${proxied.toFixed(0)} µs, added ${(proxied - direct).toFixed(0)} µs`)
          }
        } finally {
          await balancer.stop()
        }
      }
    }
  } finally {
    child.stdin!.end()
    rmSync(runDir, {recursive: true, force: true})
  }
  console.log('\nadded p50, median over the rounds:')
  for (const [name, values] of Object.entries(added)) console.log(`  ${name.padEnd(24)} ${median(values).toFixed(0)} µs   (rounds ${values.map((v) => v.toFixed(0)).join(', ')})`)
}

/** An engine of the built-in proxy, or `nginx` / `haproxy`: one worker each, round-robin, two backends; scenario defaults otherwise. */
function loadedFor(subject: string): LoadedScenario {
  const balancer = engines.includes(subject as BalancerSpec['engine']) ? {kind: 'builtin', engine: subject, timeout: '5s'} : {kind: subject}
  return parseScenarioText(stringify({name: `proxy-latency-${subject}`, seed: 1, replicas: {count: 2}, balancer, load: {connections: 1, phases: [{name: 'steady', duration: '1s'}]}}), 'bench.yaml')
}

await main()
