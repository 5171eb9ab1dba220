// `npm run bench`: the harness's own speed and honesty (issue 8), measured and written to
// reports/bench/<date>.json and .md with each figure beside its target. Never part of the test suite:
// every figure is information, a MISS never fails anything (the exit code is 0 unless the bench itself
// could not run).
//
//   npm run bench                      3 rounds, 3 s per subject per round, memory over 60 s
//   npm run bench -- --quick           1 s per subject, 3 rounds, memory over 10 s: a smoke check
//   npm run bench -- --only balancer,startup
//   npm run bench -- --only scaling-replicas --quick     (or scaling-connections): the cost at the limits
//   npm run bench -- --long            memory over the 10 minutes issue 8 asks for
//   options: --rounds N (≥ 3), --seconds S (per subject per round), --out DIR, --verbose

import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {cpus, loadavg, platform, release, tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {accuracy} from './accuracy.js'
import {balancerCost} from './balancer-cost.js'
import {buildIsStale} from './compiled-cli.js'
import type {BenchContext, MeasureFn} from './context.js'
import type {BenchReport, Measurement} from './figures.js'
import {harnessCost} from './harness-cost.js'
import {memory} from './memory.js'
import {proxyWorkers} from './proxy-workers.js'
import {scalingConnections, scalingReplicas} from './scaling.js'
import {startup} from './startup.js'
import {strategyPicks} from './strategies-pick.js'
import {renderBenchMarkdown, writeBenchReport} from './write-report.js'

/** In the order they run: the cheap ones first, the long memory run last. */
const measurements: Record<string, MeasureFn> = {
  strategies: strategyPicks,
  startup,
  harness: harnessCost,
  balancer: balancerCost,
  workers: proxyWorkers,
  accuracy,
  'scaling-replicas': scalingReplicas,
  'scaling-connections': scalingConnections,
  memory,
}

interface Options {
  quick: boolean
  long: boolean
  only: string[]
  rounds: number
  seconds: number
  out: string
  verbose: boolean
}

const usage = `usage: npm run bench -- [--quick] [--long] [--only ${Object.keys(measurements).join(',')}] [--rounds N] [--seconds S] [--out DIR] [--verbose]`

function parseArgs(argv: string[], root: string): Options {
  const o: Options = {quick: false, long: false, only: [], rounds: 3, seconds: 3, out: join(root, 'reports', 'bench'), verbose: false}
  let seconds: number | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]
      if (v === undefined) fail(`${a} needs a value`)
      return v
    }
    const flag = a.split('=')[0]
    if (flag === '--quick') o.quick = true
    else if (flag === '--long') o.long = true
    else if (flag === '--verbose') o.verbose = true
    else if (flag === '--only') o.only = value().split(',').map((s) => s.trim()).filter(Boolean)
    else if (flag === '--rounds') o.rounds = Number(value())
    else if (flag === '--seconds') seconds = Number(value())
    else if (flag === '--out') o.out = resolve(value())
    else if (flag === '--help' || flag === '-h') {
      console.log(usage)
      process.exit(0)
    } else fail(`unknown option ${a}`)
  }
  o.seconds = seconds ?? (o.quick ? 1 : 3)
  if (!Number.isInteger(o.rounds) || o.rounds < 3) fail('--rounds must be a whole number of at least 3 (figures are medians of at least 3 rounds)')
  if (!(o.seconds >= 1 && o.seconds <= 60)) fail('--seconds must be between 1 and 60')
  const unknown = o.only.filter((n) => !(n in measurements))
  if (unknown.length) fail(`unknown measurement ${unknown.join(', ')}; choose from ${Object.keys(measurements).join(', ')}`)
  return o
}

function fail(message: string): never {
  console.error(`bench: ${message}\n${usage}`)
  process.exit(2)
}

/** The package root: bench/ under it when run from sources, dist/bench/ when compiled. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

function toolVersions(root: string): Record<string, string> {
  // nginx -v and haproxy -v answer on stderr, wrk -v exits 1: read both streams whatever the exit code.
  const version = (cmd: string, args: string[], pattern: RegExp): string => {
    const r = spawnSync(cmd, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000})
    if (r.error) return 'not installed'
    return pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1] ?? 'unknown'
  }
  const pkg = (name: string): string => {
    try {
      return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {version: string}).version
    } catch {
      return 'not installed'
    }
  }
  return {
    lbbench: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string}).version,
    autocannon: pkg('autocannon'),
    nginx: version(existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', ['-v'], /nginx\/(\S+)/),
    haproxy: version(existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy', ['-v'], /version (\S+)/),
    wrk: version('wrk', ['-v'], /wrk (\S+)/),
  }
}

async function main(): Promise<void> {
  const root = packageRoot()
  const o = parseArgs(process.argv.slice(2), root)
  const names = Object.keys(measurements).filter((n) => o.only.length === 0 || o.only.includes(n))
  const controller = new AbortController()
  let interrupted = false
  const onSigint = () => {
    if (interrupted) process.exit(130)
    interrupted = true
    console.error('bench: interrupted; finishing the current run and writing what was measured (Ctrl-C again to quit at once)')
    controller.abort('interrupted')
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigint)

  const stale = buildIsStale()
  if (stale) console.error('bench: warning: src/ changed after the last build; the bench measures the compiled code (`npm run bench` builds first)')
  const scratch = await mkdtemp(join(tmpdir(), 'lbbench-bench-'))
  const startedAt = new Date()
  const ctx: BenchContext = {
    quick: o.quick,
    long: o.long,
    rounds: o.rounds,
    subjectSeconds: o.seconds,
    root,
    scratch,
    log: (line) => console.error(line),
    signal: controller.signal,
  }
  const cpu = cpus()
  const report: BenchReport = {
    kind: 'lbbench-bench',
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    command: `npm run bench --${o.quick ? ' --quick' : ''}${o.long ? ' --long' : ''}${o.only.length ? ` --only ${o.only.join(',')}` : ''}${o.rounds !== 3 ? ` --rounds ${o.rounds}` : ''}${o.seconds !== (o.quick ? 1 : 3) ? ` --seconds ${o.seconds}` : ''}`.replace(/ --$/, ''),
    options: {quick: o.quick, long: o.long, only: o.only, rounds: o.rounds, subjectSeconds: o.seconds},
    environment: {
      cpu: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      node: process.version,
      os: `${platform()} ${release()}`,
      loadAverageAtStart: loadavg(),
      tools: toolVersions(root),
      ...(stale ? {staleBuild: true} : {}),
    },
    measurements: [],
  }
  try {
    for (const name of names) {
      if (controller.signal.aborted) break
      console.error(`bench: ${name}`)
      const started = Date.now()
      let m: Measurement
      try {
        m = await measurements[name](ctx)
      } catch (error) {
        m = {name, title: name, figures: [], notes: [`Could not be measured: ${(error as Error).message}`], seconds: (Date.now() - started) / 1000}
        if (o.verbose) console.error(error)
      }
      report.measurements.push(m)
      console.error(`bench: ${name} done in ${m.seconds.toFixed(0)} s`)
    }
  } finally {
    await rm(scratch, {recursive: true, force: true}).catch(() => {})
  }
  report.finishedAt = new Date().toISOString()
  const files = await writeBenchReport(o.out, report)
  console.log(renderBenchMarkdown(report))
  console.error(`bench: wrote ${files.json} and ${files.md}`)
  process.exitCode = interrupted ? 130 : 0
}

await main()
