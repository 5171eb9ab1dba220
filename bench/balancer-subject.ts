// A balancer started by a standalone bench in front of backends it started itself (bench/proxy-floor.ts,
// bench/latency-interleaved.ts, bench/proxy-handovers.ts): through the compiled balancer registry, as
// lbbench starts it in a run (1 worker, round-robin, the scenario's defaults otherwise), with the
// processes it started.

import {mkdtempSync} from 'node:fs'
import {join} from 'node:path'
import {stringify} from 'yaml'
import {engineNames} from '../src/proxy/engines.js'
import {parseScenarioText} from '../src/scenario/load.js'
import {compiled} from './compiled-cli.js'
import {descendantsByPart} from './process-rss.js'

export type Registry = typeof import('../src/balancers/registry.js')

/** A subject listening on `port`, its processes, and how to stop it. */
export interface Running {
  port: number
  pids: number[]
  stop(): Promise<void>
}

/**
 * The balancer `subject` names in front of `ports`: an engine of the built-in proxy (`lean`, `undici`,
 * `http-proxy`; `lean@base` and the like are the same engine) or another balancer kind (`nginx`,
 * `haproxy`). `registry` defaults to this checkout's compiled one.
 */
export async function startBalancer(subject: string, ports: number[], runDir: string, registry?: Registry): Promise<Running> {
  const {balancerKinds} = registry ?? (await compiled<Registry>('balancers/registry'))
  const named = subject.split('@')[0]
  const balancer = (engineNames as string[]).includes(named) ? {kind: 'builtin', engine: named, strategy: 'round-robin'} : {kind: named}
  const name = `bench-${balancer.kind}`
  const doc = {name, seed: 1, replicas: {count: ports.length}, balancer, load: {connections: 1, phases: [{name: 'steady', duration: '1s'}]}}
  const loaded = parseScenarioText(stringify(doc), 'bench.yaml')
  const before = await balancerPids()
  const b = await balancerKinds.get(balancer.kind)!.create({loaded, runDir: mkdtempSync(join(runDir, `${name}-`)), log: () => {}})
  try {
    const [url] = await b.start(ports.map((port, i) => ({id: `r${i + 1}`, host: '127.0.0.1', port})))
    const pids = (await balancerPids()).filter((pid) => !before.includes(pid))
    return {port: Number(new URL(url).port), pids, stop: () => b.stop()}
  } catch (error) {
    await b.stop()
    throw error
  }
}

async function balancerPids(): Promise<number[]> {
  return [...(await descendantsByPart())].flatMap(([pid, part]) => (part === 'balancer' ? [pid] : []))
}
