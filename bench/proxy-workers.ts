// 1b. Two workers each (issue 17): the built-in proxy with `balancer.workers: 2` (lean engine) against
// nginx with 2 worker processes and HAProxy with 2 threads, in the same rounds, closed-loop only: the
// highest throughput of the whole setup and its p99. Selectable alone and quick:
//
//   npm run bench -- --only workers --quick

import type {BenchContext} from './context.js'
import {judged, tidy, tidyAll, type Figure, type Measurement} from './figures.js'
import {pairwise, perRound, ratioOf, runRounds, type Subject} from './rounds.js'
import {phaseOf, runBenchScenario} from './run-scenario.js'

const workers = 2
const connections = 50
/** As in balancer-cost.ts: each subject starts afresh, and a Node proxy needs a few seconds to reach its steady cost. */
const warmupS = 3
const kinds = ['builtin-lean', 'nginx', 'haproxy']

export async function proxyWorkers(ctx: BenchContext): Promise<Measurement> {
  const started = Date.now()
  const subjects: Subject[] = kinds.map((kind) => ({
    name: kind,
    async measure() {
      const {report} = await runBenchScenario(ctx, {
        name: `bench-workers-${kind}`,
        seed: 1,
        replicas: {count: 2, kind: 'cluster'},
        balancer: kind === 'builtin-lean' ? {kind: 'builtin', strategy: 'round-robin', engine: 'lean', workers} : {kind, workers},
        load: {
          connections,
          timeout: '5s',
          phases: [
            {name: 'warmup', duration: `${warmupS}s`, measure: false},
            {name: 'max', duration: `${ctx.subjectSeconds}s`},
          ],
        },
      })
      const max = phaseOf(report, 'max')
      return {rps: max.throughput.rps, p99: max.latencyUs.p99, failed: max.requests.failed, saturated: report.meta.generator.saturated ? 1 : 0}
    },
  }))
  const r = await runRounds(subjects, {rounds: ctx.rounds, log: ctx.log, signal: ctx.signal})
  const figures: Figure[] = []
  for (const kind of kinds) {
    const s = r.subjects[kind]
    const note = r.failures[kind] ? `not measured: ${r.failures[kind]}` : undefined
    figures.push(
      {name: `${kind}, ${workers} workers: highest throughput`, value: tidy(s?.median.rps), unit: 'req/s', rounds: tidyAll(s?.values.rps), note},
      {name: `${kind}, ${workers} workers: p99 at highest throughput`, value: tidy(s?.median.p99), unit: 'µs', rounds: tidyAll(s?.values.p99)},
    )
  }
  for (const [other, limit] of [['nginx', 1], ['haproxy', 0.8]] as const) {
    const value = tidy(pairwise(r, 'builtin-lean', other, 'rps', ratioOf))
    const rounds = perRound(r, 'builtin-lean', other, 'rps', ratioOf)
    figures.push({
      name: `builtin-lean / ${other} throughput, ${workers} workers each (same round)`,
      value,
      unit: '×',
      target: `≥ ${limit.toFixed(1)}× ${other}`,
      ...judged(value, '>=', limit, rounds),
      rounds: tidyAll(rounds),
    })
  }
  const failed = kinds.map((k) => `${k} ${(r.subjects[k]?.values.failed ?? []).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0)}`)
  const saturated = kinds.filter((k) => (r.subjects[k]?.values.saturated ?? []).some((v) => v > 0))
  return {
    name: 'workers',
    title: '1b. Two workers each',
    figures,
    notes: [
      `2 built-in app replicas (cluster kind), ${connections} connections closed-loop for ${ctx.subjectSeconds} s after a ${warmupS} s warm-up. The built-in proxy runs balancer.workers: ${workers} (lean engine), nginx worker_processes ${workers}, HAProxy nbthread ${workers}.`,
      'On 2 cores the generator, both replicas and the balancer compete: with 2 workers a balancer takes CPU from the others, so this shows how each scales within the same machine, not its own ceiling.',
      `Failed requests over all rounds: ${failed.join(', ')}.`,
      ...(saturated.length ? [`The generator reported itself saturated in some round of: ${saturated.join(', ')}.`] : []),
      ...Object.entries(r.failures).map(([k, why]) => `${k} could not be measured: ${why}`),
    ],
    seconds: (Date.now() - started) / 1000,
  }
}
