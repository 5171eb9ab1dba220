// How much of the lean engine's cost at 1,000 req/s is Node's and how much its own (issue 17's added-p50
// target). Beside lean and nginx it runs a forwarder on node:net that parses nothing
// (bench/floor-processes.ts): the least a Node engine can do per request. Standalone, not part of
// `npm run bench`:
//
//   npm run build && node --import tsx bench/proxy-floor.ts [--rounds 8] [--base <checkout>] [--only a,b] [--spin µs]
//
// `--base` adds a subject `lean@base`: the lean engine compiled in another checkout (`npm run build`
// there), measured in the same rounds as this one's, for a change's before and after on the same drift.
// `--only lean,lean@base` runs just those subjects (more rounds in the same time); the differences
// between them are then printed round by round (their median, too). `--spin 9` adds two forwarders that
// spin 9 µs of CPU per write (two writes a request), one just before each write (`floor+before`), one
// just after (`floor+after`): what that much CPU per request costs in latency at this rate.
//
// Two plain node:http backends (12-byte answers, bench/plain-backends.ts); per round each subject in turn
// (the order reversed every other round): straight to a backend (for the added p50), the forwarder, lean
// and nginx as lbbench starts them (1 worker, round-robin). A paced client in a process of its own warms
// each up for 3 s closed-loop, then sends 1,000 req/s over 10 connections; over its 4 measured seconds
// this reads the CPU of the subject's threads and their time waiting for one
// (/proc/<pid>/task/*/schedstat), per request. Medians over the rounds.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import {startBalancer, type Registry, type Running} from './balancer-subject.js'
import {compiled} from './compiled-cli.js'
import {runPacedClient, startFloor} from './floor-processes.js'
import {startBackends} from './plain-backends.js'
import {sample, type Sched} from './schedstat.js'
import {median} from './rounds.js'

const options = {rounds: {type: 'string', default: '8'}, base: {type: 'string'}, only: {type: 'string'}, spin: {type: 'string'}} as const
const {values: args} = parseArgs({options})
const rounds = Math.max(1, Number(args.rounds))
const spinUs = Number(args.spin ?? 0)
const spun = spinUs > 0 ? ['floor+before', 'floor+after'] : []
const allSubjects = ['direct', 'floor', ...spun, 'lean', ...(args.base ? ['lean@base'] : []), 'nginx']
const subjects = args.only ? allSubjects.filter((s) => args.only!.split(',').includes(s)) : allSubjects
if (subjects.length === 0) throw new Error(`--only: none of ${args.only} is a subject (${allSubjects.join(', ')})`)
const pacing = {rate: 1000, connections: 10, warmMs: 3000, measureMs: 4000}

/** The balancer kinds compiled here, or (`lean@base`) in the --base checkout. */
async function registryFor(subject: string): Promise<Registry> {
  if (subject !== 'lean@base') return compiled<Registry>('balancers/registry')
  return (await import(pathToFileURL(resolve(args.base!, 'dist', 'balancers', 'registry.js')).href)) as Registry
}

async function start(subject: string, ports: number[], runDir: string): Promise<Running> {
  if (subject === 'direct') return {port: ports[0], pids: [], stop: async () => {}}
  if (subject.startsWith('floor')) return startFloor(ports, {beforeUs: subject === 'floor+before' ? spinUs : 0, afterUs: subject === 'floor+after' ? spinUs : 0})
  return startBalancer(subject, ports, runDir, await registryFor(subject))
}

/** One subject's figures in one round: p50 and p99 in µs, and per request µs on its CPUs and waiting. */
async function measure(subject: string, ports: number[], runDir: string): Promise<Record<string, number>> {
  const running = await start(subject, ports, runDir)
  try {
    const at: Record<string, Sched> = {}
    const r = await runPacedClient(running.port, pacing, (what) => (at[what] = sample(running.pids)))
    const per = (k: 'mainNs' | 'otherNs' | 'waitNs') => (at.end[k] - at.start[k]) / r.requests / 1000
    return {p50: r.p50, p99: r.p99, main: per('mainNs'), other: per('otherNs'), wait: per('waitNs')}
  } finally {
    await running.stop()
  }
}

const runDir = mkdtempSync(join(tmpdir(), 'lbbench-proxy-floor-'))
const {child: backends, ports} = await startBackends(12)
const results: Record<string, Array<Record<string, number>>> = {}
try {
  for (let round = 1; round <= rounds; round++) {
    for (const subject of round % 2 ? subjects : [...subjects].reverse()) {
      const r = await measure(subject, ports, runDir)
      ;(results[subject] ??= []).push(r)
      const cpu = subject === 'direct' ? '' : `; CPU per request ${r.main.toFixed(1)} µs main thread + ${r.other.toFixed(1)} µs others; waited ${r.wait.toFixed(1)} µs`
      console.log(`round ${round} ${subject}: p50 ${r.p50.toFixed(0)} µs, p99 ${r.p99.toFixed(0)} µs${cpu}`)
    }
  }
} finally {
  backends.stdin!.end()
  rmSync(runDir, {recursive: true, force: true})
}
console.log(`\nmedians of ${rounds} rounds at ${pacing.rate} req/s${results.direct ? " (added p50: the round's p50 less direct's)" : ''}:`)
const direct = results.direct
for (const subject of subjects.filter((s) => s !== 'direct')) {
  const rows = results[subject]
  const m = (k: string) => median(rows.map((r) => r[k])).toFixed(1)
  const added = direct ? `, added ${median(rows.map((r, i) => r.p50 - direct[i].p50)).toFixed(0)} µs` : ''
  console.log(`${subject.padEnd(12)} p50 ${m('p50')} µs${added}, p99 ${m('p99')} µs; CPU ${m('main')} µs main thread + ${m('other')} µs others; waited ${m('wait')} µs`)
}
if (results['lean@base'] && results.lean) {
  const d = (k: string) => results.lean.map((r, i) => r[k] - results['lean@base'][i][k])
  console.log(`lean − lean@base, round by round: p50 ${d('p50').map((v) => v.toFixed(0)).join(', ')} µs (median ${median(d('p50')).toFixed(0)}); main-thread CPU median ${median(d('main')).toFixed(1)} µs`)
}
