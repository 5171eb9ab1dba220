// 2. What the harness costs. One built-in app replica stays up for the whole measurement, and three
// generators take turns against it with the same connections and duration: lbbench's instrumented
// generator process (per-response histograms, per-backend attribution, per-second IPC samples), the bare
// `autocannon` command (the same HTTP client without our instrumentation: the baseline), and `wrk -t1`
// (a C generator, the reference for what the replica itself can serve).

import {execFile} from 'node:child_process'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import type {Sample} from '../src/model/generator-messages.js'
import {parseScenarioText} from '../src/scenario/load.js'
import {findProgram} from '../src/process/find-program.js'
import {compiled} from './compiled-cli.js'
import type {BenchContext} from './context.js'
import {judged, tidy, tidyAll, type Figure, type Measurement} from './figures.js'
import {median, runRounds, type Subject} from './rounds.js'

const run = promisify(execFile)
type GeneratorClient = typeof import('../src/load/generator-client.js')
const connections = 50
/**
 * Both Node generators warm up before they are timed: their first second runs mostly unoptimised code
 * (the JIT has not tiered up yet), which is start-up cost, not the per-response cost compared here.
 */
const warmupS = 2

export async function harnessCost(ctx: BenchContext): Promise<Measurement> {
  const started = Date.now()
  const seconds = ctx.subjectSeconds
  const loaded = parseScenarioText(
    `name: bench-harness\nreplicas: {count: 1, kind: cluster}\nbalancer: {kind: none}\nload: {connections: ${connections}, phases: [{name: steady, duration: ${seconds}s}]}\n`,
    join(ctx.scratch, 'bench-harness.yaml'),
  )
  const runDir = join(ctx.scratch, `harness-${Date.now()}`)
  await mkdir(runDir, {recursive: true, mode: 0o700})
  const {replicaKinds} = await compiled<typeof import('../src/replicas/registry.js')>('replicas/registry')
  const {startGenerator} = await compiled<GeneratorClient>('load/generator-client')
  const replicas = await replicaKinds.get('cluster')!.create({loaded, runId: `bench-harness-${process.pid}`, runDir, log: () => {}})
  const cpu: Record<string, number[]> = {lbbench: []}
  try {
    const [replica] = await replicas.start()
    const url = `http://${replica.host}:${replica.port}/`
    const wrk = findProgram('wrk')
    const subjects: Subject[] = [
      {name: 'lbbench', measure: () => lbbenchGenerator(startGenerator, url, seconds, loaded.scenario.load.requests, cpu.lbbench)},
      {name: 'autocannon', measure: () => bareAutocannon(ctx.root, url, seconds)},
      {
        name: 'wrk',
        measure: async () => {
          if (!wrk) throw new Error('wrk is not installed (Debian package wrk)')
          return wrkRps(wrk, url, seconds)
        },
      },
    ]
    const r = await runRounds(subjects, {rounds: ctx.rounds, baseline: 'autocannon', log: ctx.log, signal: ctx.signal})
    const figures: Figure[] = []
    for (const s of subjects) {
      const res = r.subjects[s.name]
      figures.push({
        name: `${s.name}: req/s`,
        value: tidy(res?.median.rps),
        unit: 'req/s',
        ratio: s.name === 'autocannon' ? undefined : tidy(res?.ratio.rps),
        ratioTo: 'autocannon',
        rounds: tidyAll(res?.values.rps),
        ...(r.failures[s.name] ? {note: `not measured: ${r.failures[s.name]}`} : {}),
      })
    }
    const ratio = tidy(r.subjects.lbbench?.ratio.rps)
    const rounds = r.subjects.lbbench?.values.rps.map((v, i) => v / (r.subjects.autocannon?.values.rps[i] ?? Number.NaN))
    figures.push({
      name: 'lbbench generator / bare autocannon (same round)',
      value: ratio,
      unit: '×',
      target: '≥ 0.90× (≤ 10% fewer req/s)',
      ...judged(ratio, '>=', 0.9, rounds),
      rounds: tidyAll(rounds),
    })
    const wrkRatio = tidy(r.subjects.lbbench?.median.rps / r.subjects.wrk?.median.rps)
    figures.push({name: 'lbbench generator / wrk (reference)', value: wrkRatio, unit: '×'})
    return {
      name: 'harness',
      title: '2. What the harness costs',
      figures,
      notes: [
        `One built-in app replica (cluster kind), kept up for every round; ${connections} connections, ${seconds} s per generator per round. Both Node generators warm up for ${warmupS} s with the same connections first (not timed); wrk (C, no JIT) does not need to.`,
        `lbbench = the compiled generator process (dist/load/generator/main.js) driven through generator-client.js as a run does; its rate is completed responses over the measured phase's own start and end. Bare autocannon = \`node_modules/.bin/autocannon -c ${connections} -d ${seconds} --warmup [ -c ${connections} -d ${warmupS} ] -j\` (requests.total / duration of the measured part). wrk = \`wrk -t1 -c${connections} -d${seconds}s\` (Requests/sec).`,
        `lbbench generator CPU (median of its once-a-second reports): ${tidy(median(cpu.lbbench)) ?? '—'}% of one core.`,
        'On 2 cores the generator and the single-threaded replica each take about one: when the replica is the bottleneck all three generators show its ceiling, and the ratio says little about the generator; wrk shows where the replica tops out.',
        ...Object.entries(r.failures).map(([k, why]) => `${k} could not be measured: ${why}`),
      ],
      seconds: (Date.now() - started) / 1000,
    }
  } finally {
    await replicas.stop()
  }
}

/** lbbench's own generator process: a warm-up phase, then one measured closed-loop phase. */
function lbbenchGenerator(startGenerator: GeneratorClient['startGenerator'], url: string, seconds: number, requests: Parameters<GeneratorClient['startGenerator']>[0]['requests'], cpu: number[]) {
  return new Promise<Record<string, number>>((resolve, reject) => {
    const samples: Sample[] = []
    let startMs = 0
    let endMs = 0
    startGenerator(
      {
        targets: [url],
        phases: [
          {name: 'warmup', duration: warmupS * 1000, measure: false, connections},
          {name: 'steady', duration: seconds * 1000, measure: true, connections},
        ],
        requests,
        timeout: 5000,
        seed: 1,
      },
      {
        onPhaseStart: (p) => p.measure && (startMs = p.epochMs),
        onPhaseEnd: (p) => p.phase === 'steady' && (endMs = p.epochMs),
        onSample: (s) => s.measure && samples.push(s),
        onUsage: (u) => cpu.push(u.cpuPct),
        onDone: () => {
          const completed = samples.reduce((n, s) => n + s.completed, 0)
          const ms = endMs - startMs
          if (!(ms > 0)) reject(new Error('the generator reported no phase start and end'))
          else resolve({rps: completed / (ms / 1000), completed})
        },
        onError: (e) => reject(e),
      },
    )
  })
}

async function bareAutocannon(root: string, url: string, seconds: number): Promise<Record<string, number>> {
  const bin = join(root, 'node_modules', '.bin', 'autocannon')
  const {stdout} = await run(bin, ['-c', String(connections), '-d', String(seconds), '--warmup', '[', '-c', String(connections), '-d', String(warmupS), ']', '-j', url], {maxBuffer: 16 << 20, timeout: (seconds + 30) * 1000})
  // With --warmup it prints two JSON lines, the warm-up's result first; the last is the measured one.
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {requests: {total: number}; duration: number; errors: number}
  return {rps: result.requests.total / result.duration, completed: result.requests.total}
}

async function wrkRps(wrk: string, url: string, seconds: number): Promise<Record<string, number>> {
  const {stdout} = await run(wrk, ['-t1', `-c${connections}`, `-d${seconds}s`, url], {timeout: (seconds + 30) * 1000})
  const m = /Requests\/sec:\s*([\d.]+)/.exec(stdout)
  if (!m) throw new Error(`could not read wrk's output: ${stdout.slice(0, 200)}`)
  return {rps: Number(m[1])}
}
