// 6. How the cost grows with the replicas and the connections, up to the scenario limits (64 replicas,
// 10,000 connections), where runs once fell off a cliff: the generator's timers starved (libuv's poll
// phase can take 48 × 1,024 socket events before its timers phase), so samples stopped, runs ended in
// exit 3 or with a stall at 0 req/s. Two measurements, each selectable alone:
//   scaling-replicas     builtin, nginx, HAProxy with 2, 8, 32, 64 replicas at 1,000 connections:
//                        throughput, p99, and the balancer's CPU per request
//   scaling-connections  every balancer kind with 64 replicas at 100, 1,000 and 10,000 connections, the
//                        same figures, and at 10,000 the RSS of the orchestrator (the bench process), the
//                        generator, the replicas (all workers and their primary) and the balancer
// A closed loop of `subjectSeconds` (at least 2 s) after a 2 s warm-up; every run starts afresh. With
// --quick one round per point, else the median of the rounds. The 2 shared cores run everything: the
// figures are the whole setup's, and "smooth" means no point much worse than its neighbours.

import type {BenchContext} from './context.js'
import {meets, tidy, type Figure, type Measurement} from './figures.js'
import {watchRss, type Part} from './process-rss.js'
import {median} from './rounds.js'
import {phaseOf, runBenchScenario} from './run-scenario.js'

const replicaCounts = [2, 8, 32, 64]
const connectionCounts = [100, 1000, 10_000]
const replicaKinds = ['builtin', 'nginx', 'haproxy']
const connectionKinds = ['none', 'builtin', 'nginx', 'haproxy', 'cluster']
/**
 * The warm-up opens the connections (in batches: load/generator/client-batches.ts) and takes their ramp;
 * the measured phase keeps them (load/generator/kept-clients.ts), so the warm-up must last until they are
 * all open: about 2,500 of 10,000 were made in 2 s on 2 busy cores. At least 2 s, and 1 s more per 1,500
 * connections (7 s at 10,000), even with --quick.
 */
const warmupS = (connections: number): number => Math.max(2, Math.ceil(connections / 1500))
const measuredS = (ctx: BenchContext): number => Math.max(2, ctx.subjectSeconds)

interface Point {
  rps: number
  p99: number
  /** The balancer's CPU per response (µs), where it has processes of its own. */
  cpuUs?: number
  saturated: boolean
  memoryKb?: Record<Part, number>
}

async function measurePoint(ctx: BenchContext, kind: string, replicas: number, connections: number, memory: boolean): Promise<Point> {
  const watch = memory ? watchRss() : undefined
  try {
    const {report} = await runBenchScenario(ctx, {
      name: `bench-scaling-${kind}-${replicas}x${connections}`,
      seed: 1,
      // 64 workers start together on 2 cores: more than the default 10 s on a busy machine.
      replicas: {count: replicas, kind: 'cluster', ready: {timeout: '60s'}},
      balancer: kind === 'builtin' ? {kind, strategy: 'least-connections'} : {kind},
      load: {connections, timeout: '10s', phases: [{name: 'warmup', duration: `${warmupS(connections)}s`, measure: false}, {name: 'steady', duration: `${measuredS(ctx)}s`}]},
    })
    const steady = phaseOf(report, 'steady')
    const rps = steady.throughput.rps
    const cpuPct = report.meta.proxy?.cpuPct
    return {
      rps,
      p99: steady.latencyUs.p99,
      ...(cpuPct !== undefined && rps > 0 ? {cpuUs: ((cpuPct / 100) * 1e6) / rps} : {}),
      saturated: report.meta.generator.saturated,
    }
  } finally {
    if (watch) {
      const kb = await watch.stop()
      if (memory) lastMemory.set(kind, kb)
    }
  }
}

/** The peak RSS of the last memory-watched run of each kind. */
const lastMemory = new Map<string, Record<Part, number>>()

/** Runs one point over the rounds (1 with --quick); the medians, or why it could not be measured. */
async function point(ctx: BenchContext, kind: string, replicas: number, connections: number, memory = false): Promise<{point?: Point; error?: string}> {
  const rounds = ctx.quick ? 1 : ctx.rounds
  const got: Point[] = []
  try {
    for (let r = 0; r < rounds; r++) {
      ctx.signal.throwIfAborted()
      got.push(await measurePoint(ctx, kind, replicas, connections, memory && r === rounds - 1))
    }
  } catch (error) {
    if (ctx.signal.aborted) throw error
    return {error: String((error as Error)?.message ?? error).split('\n')[0]}
  }
  const med = (f: (p: Point) => number | undefined) => {
    const values = got.map(f).filter((v): v is number => v !== undefined)
    return values.length ? median(values) : undefined
  }
  const cpuUs = med((p) => p.cpuUs)
  ctx.log(`  ${kind} · ${replicas} replicas · ${connections} connections: ${Math.round(med((p) => p.rps) ?? 0)} req/s, p99 ${Math.round((med((p) => p.p99) ?? 0) / 1000)} ms`)
  return {point: {rps: med((p) => p.rps) ?? 0, p99: med((p) => p.p99) ?? 0, ...(cpuUs !== undefined ? {cpuUs} : {}), saturated: got.some((p) => p.saturated)}}
}

function pointFigures(label: string, r: {point?: Point; error?: string}): Figure[] {
  const note = r.error ? `not measured: ${r.error}` : r.point?.saturated ? 'generator saturated' : undefined
  const figures: Figure[] = [
    {name: `${label}: throughput`, value: tidy(r.point?.rps), unit: 'req/s', ...(note ? {note} : {})},
    {name: `${label}: p99`, value: tidy(r.point?.p99), unit: 'µs'},
  ]
  if (r.point?.cpuUs !== undefined) figures.push({name: `${label}: balancer CPU per request`, value: tidy(r.point.cpuUs), unit: 'µs'})
  return figures
}

export async function scalingReplicas(ctx: BenchContext): Promise<Measurement> {
  const started = Date.now()
  const connections = 1000
  const figures: Figure[] = []
  for (const kind of replicaKinds) {
    for (const replicas of replicaCounts) figures.push(...pointFigures(`${kind} · ${replicas} replicas`, await point(ctx, kind, replicas, connections)))
  }
  return {
    name: 'scaling-replicas',
    title: '6a. How the cost grows with the replicas',
    figures,
    notes: [`${replicaKinds.join(', ')} (1 worker or thread each) in front of 2, 8, 32 and 64 cluster replicas, ${connections} connections closed-loop for ${measuredS(ctx)} s after a ${warmupS(connections)} s warm-up; ${ctx.quick ? 'one run' : `median of ${ctx.rounds} runs`} per point. CPU per request: the balancer's processes' CPU over the measured time divided by its responses.`],
    seconds: (Date.now() - started) / 1000,
  }
}

export async function scalingConnections(ctx: BenchContext): Promise<Measurement> {
  const started = Date.now()
  const replicas = 64
  const figures: Figure[] = []
  const rps = new Map<string, number>()
  for (const kind of connectionKinds) {
    for (const connections of connectionCounts) {
      const r = await point(ctx, kind, replicas, connections, connections === 10_000)
      if (r.point) rps.set(`${kind}@${connections}`, r.point.rps)
      figures.push(...pointFigures(`${kind} · ${connections} connections`, r))
    }
    const smooth = tidy((rps.get(`${kind}@10000`) ?? Number.NaN) / (rps.get(`${kind}@1000`) ?? Number.NaN))
    figures.push({name: `${kind}: throughput at 10,000 connections / at 1,000`, value: smooth, unit: '×', target: '≥ 0.5× (no cliff)', pass: meets(smooth, '>=', 0.5)})
    const kb = lastMemory.get(kind)
    if (kb) for (const part of ['orchestrator', 'generator', 'replicas', 'balancer'] as Part[]) figures.push({name: `${kind} · 10,000 connections: ${part} RSS (peak)`, value: tidy(kb[part] / 1024), unit: 'MiB'})
  }
  return {
    name: 'scaling-connections',
    title: '6b. How the cost grows with the connections (64 replicas)',
    figures,
    notes: [
      `Every balancer kind in front of ${replicas} cluster replicas (the cluster kind: its primary hands the connections to the workers), 100, 1,000 and 10,000 connections closed-loop for ${measuredS(ctx)} s after a warm-up of ${connectionCounts.map((c) => `${warmupS(c)} s`).join(', ')}; ${ctx.quick ? 'one run' : `median of ${ctx.rounds} runs`} per point.`,
      'RSS at 10,000 connections: the highest sum over each part\'s processes, sampled once a second during the run; the orchestrator is the bench process, which runs the scenario itself.',
    ],
    seconds: (Date.now() - started) / 1000,
  }
}
