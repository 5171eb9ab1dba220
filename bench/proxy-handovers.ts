// How long a balancer waits for a CPU when it is woken at 1,000 req/s, and on whose CPU: the measurement
// behind docs/proxy-engines.md's "Placement", section "Why". Standalone, not part of `npm run bench`; needs
// `perf` (Debian package linux-perf) and root (or kernel.perf_event_paranoid ≤ −1 for tracepoints on
// every CPU):
//
//   npm run build && node --import tsx bench/proxy-handovers.ts [--rounds 3] [--only lean,nginx] [--nice=-5]
//
// Per round, each balancer in turn (lean, nginx; with `--nice=N` also `lean@nice`, the lean proxy reniced
// to N: an experiment, lbbench never does it) in front of the two built-in app replicas
// (bench/app-backends.ts), driven by the paced client of bench/floor-processes.ts (1,000 req/s over 10
// connections after a 3 s warm-up). Over 3 s of its measured part, `perf record` of the scheduler's
// tracepoints on every CPU: each wake-up of the balancer by the client or a replica is paired with the
// balancer's next switch-in, and split by whether it ran on its waker's CPU. Over the 4 measured seconds,
// the CPU per request of the balancer, the client and the replicas (every thread, schedstat).

import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {startAppBackends} from './app-backends.js'
import {startBalancer} from './balancer-subject.js'
import {runPacedClient} from './floor-processes.js'
import {median} from './rounds.js'
import {handovers, type Handover} from './sched-handovers.js'
import {sample, type Sched} from './schedstat.js'

const options = {rounds: {type: 'string', default: '3'}, only: {type: 'string'}, nice: {type: 'string'}} as const
const {values: args} = parseArgs({options})
const rounds = Number(args.rounds)
const allSubjects = ['lean', 'nginx', ...(args.nice ? ['lean@nice'] : [])]
const subjects = args.only ? allSubjects.filter((s) => args.only!.split(',').includes(s)) : allSubjects
/** A bad option or a missing program: what was wrong, exit 2. */
function fail(message: string): never {
  console.error(`proxy-handovers: ${message}`)
  process.exit(2)
}
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a whole number of at least 1, not ${args.rounds}`)
if (subjects.length === 0) fail(`--only: none of ${args.only} is a subject (${allSubjects.join(', ')})`)
if (args.nice && !/^-?\d+$/.test(args.nice)) fail(`--nice must be a whole number, not ${args.nice}`)
try {
  execFileSync('perf', ['--version'], {stdio: 'ignore'})
} catch {
  fail('perf was not found on PATH. Install it with: apt-get install linux-perf')
}
const pacing = {rate: 1000, connections: 10, warmMs: 3000, measureMs: 4000}

async function measure(subject: string, runDir: string): Promise<Record<string, number>> {
  const backends = await startAppBackends(2)
  try {
    const b = await startBalancer(subject, backends.ports, runDir)
    try {
      if (subject === 'lean@nice') for (const pid of b.pids) execFileSync('renice', ['-n', args.nice!, '-p', String(pid)], {stdio: 'ignore'})
      const data = join(runDir, `${subject}.perf`)
      const at: Record<string, Sched[]> = {}
      let client = 0
      let perf: Promise<unknown> | undefined
      const r = await runPacedClient(b.port, pacing, (what, pid) => {
        client = pid
        at[what] = [sample(b.pids), sample([pid]), sample(backends.pids)]
        if (what === 'start') {
          const p = spawn('perf', ['record', '-q', '-e', 'sched:sched_waking,sched:sched_switch', '-a', '-o', data, '--', 'sleep', '3'], {stdio: 'ignore'})
          perf = new Promise((resolve, reject) => (p.once('error', reject), p.once('close', resolve)))
        }
      })
      await perf
      const text = execFileSync('perf', ['script', '-i', data], {encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore']})
      const h = handovers(text, new Set(b.pids), client, new Set(backends.pids))
      const cpu = (k: number) => ((at.end[k].mainNs + at.end[k].otherNs - at.start[k].mainNs - at.start[k].otherNs) / r.requests / 1000)
      const waits = (by: Handover['by']) => h.filter((x) => x.by === by && x.sameCpu).map((x) => x.waitUs)
      const share = (by: Handover['by']) => h.filter((x) => x.by === by && x.sameCpu).length / Math.max(1, h.filter((x) => x.by === by).length)
      return {p50: r.p50, byClient: median(waits('client')), byReplica: median(waits('replica')), clientShare: share('client'), replicaShare: share('replica'), cpuBalancer: cpu(0), cpuClient: cpu(1), cpuReplicas: cpu(2)}
    } finally {
      await b.stop()
    }
  } finally {
    await backends.stop()
  }
}

const runDir = mkdtempSync(join(tmpdir(), 'lbbench-handovers-'))
const results: Record<string, Array<Record<string, number>>> = {}
const show = (r: Record<string, number>) =>
  `woken on its waker's CPU: by the client ${(r.clientShare * 100).toFixed(0)}%, waited ${r.byClient.toFixed(0)} µs (median); by a replica ${(r.replicaShare * 100).toFixed(0)}%, waited ${r.byReplica.toFixed(0)} µs; client p50 ${r.p50.toFixed(0)} µs; CPU per request: balancer ${r.cpuBalancer.toFixed(1)} µs, client ${r.cpuClient.toFixed(1)}, replicas ${r.cpuReplicas.toFixed(1)}`
try {
  for (let round = 1; round <= rounds; round++) {
    for (const subject of round % 2 ? subjects : [...subjects].reverse()) {
      const r = await measure(subject, runDir)
      ;(results[subject] ??= []).push(r)
      console.log(`round ${round} ${subject}: ${show(r)}`)
    }
  }
} finally {
  rmSync(runDir, {recursive: true, force: true})
}
console.log(`\nmedians of ${rounds} rounds at ${pacing.rate} req/s:`)
for (const subject of subjects) {
  const rows = results[subject]
  console.log(`${subject.padEnd(9)} ${show(Object.fromEntries(Object.keys(rows[0]).map((k) => [k, median(rows.map((r) => r[k]))])))}`)
}
