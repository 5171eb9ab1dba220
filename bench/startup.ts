// 4. Start-up, from the compiled package as a user runs it:
// - `lbbench --version` (`node bin/run.js --version`), wall time from spawn to exit, against bare
//   `node -e 0` in the same round (the floor any Node CLI starts from);
// - `lbbench run` of a scenario with 4 cluster replicas, the built-in proxy and no warm-up, from spawn to
//   the first measured request: t = 0 of the load clock, which the report gives as meta.t0EpochMs (the
//   generator's first phase start; its clients write their first requests at that moment).

import {spawn} from 'node:child_process'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {Report} from '../src/model/report.js'
import {compiledCli} from './compiled-cli.js'
import type {BenchContext} from './context.js'
import {meets, tidy, tidyAll, type Figure, type Measurement} from './figures.js'
import {runRounds, type Subject} from './rounds.js'

const scenario = `name: bench-startup
replicas: {count: 4, kind: cluster}
balancer: {kind: builtin}
load:
  connections: 10
  phases:
    - {name: steady, duration: 1s}
`

export async function startup(ctx: BenchContext): Promise<Measurement> {
  const started = Date.now()
  const bin = compiledCli()
  const dir = join(ctx.scratch, 'startup')
  await mkdir(dir, {recursive: true})
  const file = join(dir, 'bench-startup.yaml')
  await writeFile(file, scenario)
  const rounds = Math.max(5, ctx.rounds)

  const subjects: Subject[] = [
    {name: 'node -e 0', measure: async () => ({ms: (await timed(process.execPath, ['-e', '0'], ctx.root)).ms})},
    {name: 'lbbench --version', measure: async () => ({ms: (await timed(process.execPath, [bin, '--version'], ctx.root)).ms})},
    {
      name: 'lbbench run',
      async measure() {
        const t = await timed(process.execPath, [bin, 'run', file, '--json', '--out', join(dir, 'runs')], ctx.root)
        if (t.code !== 0) throw new Error(`lbbench run exited with ${t.code}: ${t.stderr.trim().split('\n').slice(-3).join(' | ')}`)
        const report = JSON.parse(t.stdout) as Report
        const t0 = report.meta.t0EpochMs
        if (t0 === undefined) throw new Error('the report has no meta.t0EpochMs (the start of the first measured phase)')
        const startedAt = Date.parse(report.meta.startedAt)
        const ready = report.timeline.filter((e) => e.kind === 'replica-ready').map((e) => t0 + e.atMs)
        const lastReady = ready.length ? Math.max(...ready) : Number.NaN
        return {
          ms: t0 - t.spawnEpochMs,
          cliMs: startedAt - t.spawnEpochMs,
          replicasMs: lastReady - startedAt,
          restMs: t0 - lastReady,
        }
      },
    },
  ]
  const r = await runRounds(subjects, {rounds, baseline: 'node -e 0', log: ctx.log, signal: ctx.signal})
  const version = r.subjects['lbbench --version']
  const run = r.subjects['lbbench run']
  const node = r.subjects['node -e 0']
  const figures: Figure[] = [
    {name: 'node -e 0 (floor)', value: tidy(node?.median.ms), unit: 'ms', rounds: tidyAll(node?.values.ms)},
    {
      name: 'lbbench --version',
      value: tidy(version?.median.ms),
      unit: 'ms',
      ratio: tidy(version?.ratio.ms),
      ratioTo: 'node -e 0',
      target: '≤ 250 ms',
      pass: meets(version?.median.ms, '<=', 250),
      rounds: tidyAll(version?.values.ms),
      ...(r.failures['lbbench --version'] ? {note: `not measured: ${r.failures['lbbench --version']}`} : {}),
    },
    {
      name: 'lbbench run: start to first measured request (4 cluster replicas, builtin, no warm-up)',
      value: tidy(run?.median.ms),
      unit: 'ms',
      ratio: tidy(run?.ratio.ms),
      ratioTo: 'node -e 0',
      target: '≤ 1,500 ms',
      pass: meets(run?.median.ms, '<=', 1500),
      rounds: tidyAll(run?.values.ms),
      ...(r.failures['lbbench run'] ? {note: `not measured: ${r.failures['lbbench run']}`} : {}),
    },
    {name: '… of which the CLI until the run starts (spawn → meta.startedAt)', value: tidy(run?.median.cliMs), unit: 'ms', rounds: tidyAll(run?.values.cliMs)},
    {name: '… of which until the 4th replica is ready', value: tidy(run?.median.replicasMs), unit: 'ms', rounds: tidyAll(run?.values.replicasMs)},
    {name: '… of which balancer and generator start (last replica ready → t = 0)', value: tidy(run?.median.restMs), unit: 'ms', rounds: tidyAll(run?.values.restMs)},
  ]
  return {
    name: 'startup',
    title: '4. Start-up',
    figures,
    notes: [
      `Wall time from spawn, median of ${rounds} rounds, run from the compiled package (${bin}); \`node -e 0\` measured in the same round is the baseline of the ratios.`,
      'lbbench run: the scenario has 4 cluster replicas, the built-in proxy and a single 1 s measured phase (no warm-up); start-up ends at meta.t0EpochMs, the epoch at which the generator started its first measured phase (when its connections open and the first requests are written).',
      ...Object.entries(r.failures).map(([k, why]) => `${k} could not be measured: ${why}`),
    ],
    seconds: (Date.now() - started) / 1000,
  }
}

interface Timed {
  ms: number
  spawnEpochMs: number
  code: number | null
  stdout: string
  stderr: string
}

function timed(cmd: string, args: string[], cwd: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const spawnEpochMs = Date.now()
    const t0 = performance.now()
    const child = spawn(cmd, args, {cwd, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)))
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)))
    let ms = Number.NaN
    child.on('error', reject)
    // Timed to the process's exit, not to the end of its output pipes.
    child.on('exit', () => (ms = performance.now() - t0))
    child.on('close', (code) => resolve({ms, spawnEpochMs, code, stdout, stderr}))
  })
}
