// Where a balancer's time goes at 1,000 req/s, when each request finds it idle (issue 17's added-p50
// target). Under closed-loop load a process handles several requests per wake-up; at 1,000 req/s over 10
// connections it is woken for almost every read, and what it costs to run again then is what the added
// p50 measures. Standalone, not part of `npm run bench`:
//
//   npm run build && node --import tsx bench/proxy-wakeups.ts [--rounds 5]
//
// Each round runs lean, nginx and HAProxy in turn, 1 worker each, in front of 2 cluster replicas: 3 s of
// closed-loop warm-up over 50 connections (as the bench's phases before its rate phase: the proxy's code
// is optimised by then), then 4 s at 1,000 req/s over 10 connections. Every 250 ms it reads
// /proc/<pid>/task/*/schedstat of the balancer's processes (this process's descendants, told apart as
// bench/process-rss.ts does; for nginx its master too, which forwards nothing). Over the last 2.5 s at that
// rate it prints, per request: CPU on the main thread, CPU on the other threads (V8's compiler and GC
// helpers for lean), the time the threads waited for a CPU (runqueue), and the p50.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import type {BenchContext} from './context.js'
import {descendantsByPart} from './process-rss.js'
import {sample, type Sched} from './schedstat.js'
import {median} from './rounds.js'
import {phaseOf, runBenchScenario} from './run-scenario.js'

const {values: args} = parseArgs({options: {rounds: {type: 'string', default: '5'}}})
const rounds = Math.max(1, Number(args.rounds))
const rate = 1000
const subjects: Record<string, Record<string, unknown>> = {
  lean: {kind: 'builtin', strategy: 'round-robin', engine: 'lean'},
  nginx: {kind: 'nginx'},
  haproxy: {kind: 'haproxy'},
}

async function measure(ctx: BenchContext, name: string): Promise<Record<string, number>> {
  const series: Sched[] = []
  let pids: number[] = []
  let finding: Promise<void> | undefined
  const timer = setInterval(() => {
    if (pids.length === 0) {
      finding ??= descendantsByPart().then((parts) => {
        pids = [...parts].flatMap(([pid, part]) => (part === 'balancer' ? [pid] : []))
        finding = undefined
      })
      return
    }
    const s = sample(pids)
    if (s.threads) series.push(s)
  }, 250)
  const phases = [
    {name: 'warmup', duration: '3s', measure: false},
    {name: 'fixed', duration: '4s', rate, connections: 10},
  ]
  const doc = {name: `wakeups-${name}`, seed: 1, replicas: {count: 2, kind: 'cluster'}, balancer: subjects[name], load: {connections: 50, timeout: '5s', phases}}
  const {report} = await runBenchScenario(ctx, doc).finally(() => clearInterval(timer))
  // 2.5 s ending 0.75 s before the processes were last seen: at 1,000 req/s, clear of the teardown.
  const last = series.findLast((s) => s.at <= series.at(-1)!.at - 750)
  const first = last && series.findLast((s) => s.at <= last.at - 2500)
  if (!first || !last) throw new Error(`${name}: the balancer's processes were not found in time`)
  const requests = ((last.at - first.at) / 1000) * rate
  const perRequestUs = (k: 'mainNs' | 'otherNs' | 'waitNs') => (last[k] - first[k]) / requests / 1000
  return {p50: phaseOf(report, 'fixed').latencyUs.p50, main: perRequestUs('mainNs'), other: perRequestUs('otherNs'), wait: perRequestUs('waitNs')}
}

const scratch = mkdtempSync(join(tmpdir(), 'lbbench-wakeups-'))
const ctx: BenchContext = {quick: false, long: false, rounds, subjectSeconds: 3, root: process.cwd(), scratch, log: () => {}, signal: new AbortController().signal}
const results: Record<string, Record<string, number[]>> = {}
try {
  for (let round = 1; round <= rounds; round++) {
    for (const name of Object.keys(subjects)) {
      const r = await measure(ctx, name)
      const into = (results[name] ??= {})
      for (const [k, v] of Object.entries(r)) (into[k] ??= []).push(v)
      console.log(`round ${round} ${name}: p50 ${r.p50} µs; CPU per request ${r.main.toFixed(1)} µs main thread + ${r.other.toFixed(1)} µs other threads; waited for a CPU ${r.wait.toFixed(1)} µs`)
    }
  }
} finally {
  rmSync(scratch, {recursive: true, force: true})
}
console.log(`\nmedians of ${rounds} rounds, per request at ${rate} req/s:`)
for (const [name, r] of Object.entries(results)) {
  const m = (k: string) => median(r[k]).toFixed(1)
  console.log(`${name}: p50 ${m('p50')} µs; CPU ${m('main')} µs main thread + ${m('other')} µs other threads; waited for a CPU ${m('wait')} µs`)
}
