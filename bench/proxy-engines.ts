// The built-in proxy's engines against each other (issue 8 chose undici over http-proxy; issue 17 added
// lean), with the proxy's own CPU per request, the figure that stays steady on a busy machine.
// Standalone, not part of `npm run bench`:
//
//   npm run build && node --import tsx bench/proxy-engines.ts [--rounds 3] [--seconds 5] [--connections 50] [--workers 1]
//
// Setup as in the measurement that chose the engines: two node:http backends answering 1 KiB (one
// process of their own), the proxy as lbbench starts it (BuiltinBalancer: its own process, round-robin),
// autocannon in this process with 50 connections. Each round measures every engine once, a different one first each round,
// and every figure is the median over the rounds; the ratio of each engine to undici is taken within each
// round (neighbours in time on a busy 2-core machine) and its median printed too (each engine / undici).

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import autocannon from 'autocannon'
import {proxyEngines} from '../src/proxy/engines.js'
import {compiled} from './compiled-cli.js'
import {startBackends} from './plain-backends.js'
import type {BalancerSpec, LoadedScenario, Scenario} from '../src/model/scenario.js'

const {values: args} = parseArgs({
  options: {
    rounds: {type: 'string', default: '3'},
    seconds: {type: 'string', default: '5'},
    connections: {type: 'string', default: '50'},
    workers: {type: 'string', default: '1'},
  },
})
const rounds = Math.max(3, Number(args.rounds))
const seconds = Number(args.seconds)
const connections = Number(args.connections)
const workers = Number(args.workers)
const engines = Object.keys(proxyEngines) as Array<BalancerSpec['engine']>

function spec(engine: BalancerSpec['engine']): BalancerSpec {
  return {
    kind: 'builtin', strategy: 'round-robin', retries: 1, retryNonIdempotent: false, retryBodyLimit: 65536,
    timeout: 5000, health: {}, engine, workers, schedulingPolicy: 'rr',
  }
}

interface Figures {
  rps: number
  p50: number
  p99: number
  errors: number
  proxyCpu: number
  /** Requests per second per core of proxy CPU: its cost per request, steadier than req/s on a shared machine. */
  perCore: number
}

async function measure(engine: BalancerSpec['engine'], ports: number[], runDir: string): Promise<Figures> {
  const scenario = {seed: 1, balancer: spec(engine), replicas: {overrides: {}}} as unknown as Scenario
  const loaded: LoadedScenario = {scenario, file: 'bench', hash: 'bench'}
  const {BuiltinBalancer} = await compiled<typeof import('../src/balancers/builtin.js')>('balancers/builtin')
  const balancer = new BuiltinBalancer({loaded, runDir, log: () => {}})
  try {
    const [url] = await balancer.start(ports.map((port, i) => ({id: `r${i + 1}`, host: '127.0.0.1', port})))
    // A short warm-up fills the keep-alive pools and lets V8 optimise the request path.
    await autocannon({url, connections, duration: 1})
    const cpu: number[] = []
    const sampler = setInterval(() => {
      const u = balancer.usage()
      if (u) cpu.push(u.cpuPct)
    }, 1000)
    const r = await autocannon({url, connections, duration: seconds})
    clearInterval(sampler)
    const proxyCpu = cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : Number.NaN
    return {
      perCore: r.requests.average / (proxyCpu / 100),
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors + r.timeouts + r.non2xx,
      proxyCpu,
    }
  } finally {
    await balancer.stop()
  }
}

function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return Number.NaN
  const mid = Math.floor(v.length / 2)
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'lbbench-proxy-engines-'))
  const {child, ports} = await startBackends()
  const results: Record<string, Figures[]> = Object.fromEntries(engines.map((e) => [e, []]))
  console.log(`proxy engines: ${engines.join(', ')}; ${rounds} rounds of ${seconds} s, ${connections} connections, ${workers} proxy worker(s), 2 backends, 1 KiB responses`)
  try {
    for (let round = 0; round < rounds; round++) {
      const order = [...engines.slice(round % engines.length), ...engines.slice(0, round % engines.length)]
      for (const engine of order) {
        const f = await measure(engine, ports, runDir)
        results[engine].push(f)
        console.log(`  round ${round + 1}/${rounds} ${engine}: ${Math.round(f.rps)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, errors ${f.errors}, proxy CPU ${Math.round(f.proxyCpu)}% (${Math.round(f.perCore)} req/s per core)`)
      }
    }
  } finally {
    child.stdin!.end()
    rmSync(runDir, {recursive: true, force: true})
  }
  console.log('\nmedian over the rounds:')
  for (const engine of engines) {
    const rs = results[engine]
    const m = (k: keyof Figures) => median(rs.map((r) => r[k]))
    console.log(`  ${engine.padEnd(10)} ${Math.round(m('rps'))} req/s   p50 ${m('p50')} ms   p99 ${m('p99')} ms   errors ${m('errors')}   proxy CPU ${Math.round(m('proxyCpu'))}%   ${Math.round(m('perCore'))} req/s per proxy core`)
  }
  for (const engine of engines.filter((e) => e !== 'undici')) {
    if (!results.undici) break
    const ratio = median(results[engine].map((f, i) => f.rps / results.undici[i].rps))
    const perCore = median(results[engine].map((f, i) => f.perCore / results.undici[i].perCore))
    console.log(`  ${engine} / undici, median of the per-round ratios: throughput ${ratio.toFixed(2)}×, req/s per proxy core ${perCore.toFixed(2)}×`)
  }
}

await main()
