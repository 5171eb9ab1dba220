// The latency each balancer adds at 1,000 req/s, with every balancer running at once in front of the same
// two built-in app replicas (bench/app-backends.ts) and a paced client (bench/interleaved-client.ts)
// measuring them and the replicas straight in turn, a slice of a second each, cycle after cycle. A cycle's
// added p50 (a subject's p50 less direct's) is of figures taken seconds apart, where the balancer bench's
// rounds take them a minute apart. Standalone, not part of `npm run bench`:
//
//   npm run build && node --import tsx bench/latency-interleaved.ts [--cycles 16] [--slice-ms 1000] [--only lean,nginx] [--pin]
//
// Subjects: `direct` (always), `floor` (the forwarder that parses nothing, bench/floor-processes.ts),
// `lean` and `undici` (the built-in proxy with that engine), `nginx`, `haproxy`; 1 worker each,
// round-robin. `--pin` puts the client and the replicas on CPU 0 and every balancer on CPU 1 (taskset; the
// idle ones wait there too), so that each hand-over between a balancer and its peers crosses CPUs: what a
// balancer adds when the scheduler's placement is taken out of the figure (docs/proxy-engines.md,
// "Placement").
// Printed: per subject the medians over the cycles of p50 and p99, the added p50 with its 90% confidence
// interval, and its ratio to nginx's (the ratio of the two medians; the interval from the cycles resampled,
// each cycle's two figures drawn together, as bench/proxy-targets.ts does for the bench's rounds).

import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {availableParallelism, tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {startAppBackends} from './app-backends.js'
import {startBalancer, type Running} from './balancer-subject.js'
import {medianInterval, roundsInterval} from './figures.js'
import {startFloor} from './floor-processes.js'
import {runInterleavedClient, type SliceFigures} from './interleaved-client.js'
import {median} from './rounds.js'

const options = {cycles: {type: 'string', default: '16'}, 'slice-ms': {type: 'string', default: '1000'}, only: {type: 'string'}, pin: {type: 'boolean', default: false}} as const
const {values: args} = parseArgs({options})
/** A bad option: what was wrong, exit 2. */
function fail(message: string): never {
  console.error(`latency-interleaved: ${message}`)
  process.exit(2)
}
const allSubjects = ['floor', 'lean', 'undici', 'nginx', 'haproxy']
const subjects = args.only ? allSubjects.filter((s) => args.only!.split(',').includes(s)) : allSubjects
if (subjects.length === 0) fail(`--only: none of ${args.only} is a subject (${allSubjects.join(', ')})`)
const cycles = Number(args.cycles)
const sliceMs = Number(args['slice-ms'])
if (!Number.isInteger(cycles) || cycles < 4) fail(`--cycles must be a whole number of at least 4 (an interval needs 4), not ${args.cycles}`)
if (!Number.isInteger(sliceMs) || sliceMs < 100) fail(`--slice-ms must be a whole number of at least 100, not ${args['slice-ms']}`)
if (args.pin && availableParallelism() < 2) fail('--pin needs 2 CPUs or more')
const pacing = {rate: 1000, connections: 10, warmMs: 3000, settleMs: 300, sliceMs, cycles}

/** Starts `subject` in front of `ports`: the floor forwarder, or a balancer as lbbench starts it (1 worker, round-robin). */
async function start(subject: string, ports: number[], runDir: string): Promise<Running> {
  return subject === 'floor' ? startFloor(ports) : startBalancer(subject, ports, runDir)
}

/** `taskset -a -cp <cpu> <pid>`: every thread of the process on that CPU. */
function pin(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], {stdio: 'ignore'})
}

/** Median added p50 with its interval, and its ratio to nginx's with the interval of that ratio. */
function summarize(added: number[], nginx: number[] | undefined): string {
  const fmt = (i: [number, number] | null, d: number) => (i ? ` [${i[0].toFixed(d)}–${i[1].toFixed(d)}]` : '')
  const a = `added ${median(added).toFixed(0)} µs${fmt(medianInterval(added), 0)}`
  if (!nginx) return a
  const ratio = (drawn: number[]) => median(drawn.map((i) => added[i])) / median(drawn.map((i) => nginx[i]))
  return `${a}, ${ratio(added.map((_, i) => i)).toFixed(2)}×${fmt(roundsInterval(added.length, ratio), 2)} nginx's`
}

const runDir = mkdtempSync(join(tmpdir(), 'lbbench-interleaved-'))
const started: Running[] = []
let rows: SliceFigures[][] = []
try {
  const backends = await startAppBackends(2)
  try {
    for (const subject of subjects) started.push(await start(subject, backends.ports, runDir))
    if (args.pin) {
      for (const pid of backends.pids) pin(pid, 0)
      for (const pid of started.flatMap((s) => s.pids)) pin(pid, 1)
    }
    const names = ['direct', ...subjects]
    console.log(`interleaved at ${pacing.rate} req/s over ${pacing.connections} connections: ${names.join(', ')}; ${cycles} cycles of ${sliceMs} ms slices${args.pin ? '; pinned' : ''}`)
    rows = await runInterleavedClient([backends.ports[0], ...started.map((s) => s.port)], {...pacing, cpu: args.pin ? 0 : undefined}, (row) => {
      console.log(`  cycle: ${row.map((f, i) => `${names[i]} ${f.p50.toFixed(0)}`).join(', ')} µs (p50)`)
    })
  } finally {
    await Promise.allSettled([...started.map((s) => s.stop()), backends.stop()])
  }
} finally {
  rmSync(runDir, {recursive: true, force: true})
}
const column = (i: number, k: keyof SliceFigures) => rows.map((r) => r[i][k])
const added = (i: number) => rows.map((r) => r[i].p50 - r[0].p50)
const nginx = subjects.includes('nginx') ? added(1 + subjects.indexOf('nginx')) : undefined
console.log(`\nmedians of ${rows.length} cycles (added p50: the cycle's p50 less direct's; [90% confidence interval]):`)
console.log(`${'direct'.padEnd(8)} p50 ${median(column(0, 'p50')).toFixed(0)} µs, p99 ${median(column(0, 'p99')).toFixed(0)} µs`)
subjects.forEach((s, k) => {
  const i = k + 1
  console.log(`${s.padEnd(8)} p50 ${median(column(i, 'p50')).toFixed(0)} µs, p99 ${median(column(i, 'p99')).toFixed(0)} µs; ${summarize(added(i), s === 'nginx' ? undefined : nginx)}`)
})
