// 1. What a balancer costs. The same two built-in app replicas (cluster kind, one port each) reached
// straight (`none`: the generator's connections are spread over both), through the built-in proxy, nginx
// (1 worker) and HAProxy (1 thread), with the same generator and connections. Each run has a closed-loop
// phase (`max`: the highest throughput the whole setup reaches) and a fixed-rate phase (`fixed`: 1,000
// req/s, timed from the intended send) that shows the latency a balancer adds when nothing is saturated.

import {proxyEngines} from '../src/proxy/engines.js'
import type {BenchContext} from './context.js'
import {judged, tidy, tidyAll, type Figure, type Measurement} from './figures.js'
import {differenceOf, pairwise, perRound, ratioOf, runRounds, type Subject} from './rounds.js'
import {leanTargets} from './proxy-targets.js'
import {phaseOf, runBenchScenario} from './run-scenario.js'

/** Subjects: a balancer kind, and for the built-in proxy each engine (`builtin-<engine>`). */
const baseKinds = ['none', 'nginx', 'haproxy']
const connections = 50
const fixedRate = 1000
const fixedConnections = 10
/**
 * Every subject starts afresh each round, and a Node proxy's first seconds run mostly unoptimised code:
 * measured here, the built-in proxy spent about 650 µs of CPU per request in its first second under 50
 * connections and about 60 µs from its third. The warm-up lets each balancer reach its steady cost.
 */
const warmupS = 3

export async function balancerCost(ctx: BenchContext): Promise<Measurement> {
  const started = Date.now()
  const seconds = ctx.subjectSeconds
  const saturated = new Set<string>()
  const engines = Object.keys(proxyEngines)
  const kinds = [...baseKinds, ...engines.map((e) => `builtin-${e}`)]
  const subjects: Subject[] = kinds.map((kind) => ({
    name: kind,
    async measure() {
      const {report} = await runBenchScenario(ctx, {
        name: `bench-balancer-${kind}`,
        seed: 1,
        replicas: {count: 2, kind: 'cluster'},
        balancer: kind.startsWith('builtin-') ? {kind: 'builtin', strategy: 'round-robin', engine: kind.slice('builtin-'.length)} : {kind},
        load: {
          connections,
          timeout: '5s',
          phases: [
            {name: 'warmup', duration: `${warmupS}s`, measure: false},
            {name: 'max', duration: `${seconds}s`},
            {name: 'fixed', duration: `${seconds}s`, rate: fixedRate, connections: fixedConnections},
          ],
        },
      })
      if (report.meta.generator.saturated) saturated.add(kind)
      const max = phaseOf(report, 'max')
      const fixed = phaseOf(report, 'fixed')
      return {
        rps: max.throughput.rps,
        p50: max.latencyUs.p50,
        p99: max.latencyUs.p99,
        fixedP50: fixed.latencyUs.p50,
        fixedP99: fixed.latencyUs.p99,
        failed: max.requests.failed + fixed.requests.failed,
        generatorCpu: report.meta.generator.cpuPct,
      }
    },
  }))
  const r = await runRounds(subjects, {rounds: ctx.rounds, baseline: 'none', log: ctx.log, signal: ctx.signal})

  const figures: Figure[] = []
  for (const kind of kinds) {
    const s = r.subjects[kind]
    const note = r.failures[kind] ? `not measured: ${r.failures[kind]}` : undefined
    const get = (m: string) => tidy(s?.median[m])
    const ratio = (m: string) => (kind === 'none' ? undefined : tidy(s?.ratio[m]))
    figures.push(
      {name: `${kind}: highest throughput`, value: get('rps'), unit: 'req/s', ratio: ratio('rps'), ratioTo: 'none', rounds: tidyAll(s?.values.rps), note},
      {name: `${kind}: p50 at highest throughput`, value: get('p50'), unit: 'µs', ratio: ratio('p50'), ratioTo: 'none', rounds: tidyAll(s?.values.p50)},
      {name: `${kind}: p99 at highest throughput`, value: get('p99'), unit: 'µs', ratio: ratio('p99'), ratioTo: 'none', rounds: tidyAll(s?.values.p99)},
      {name: `${kind}: p50 at ${fixedRate} req/s`, value: get('fixedP50'), unit: 'µs', ratio: ratio('fixedP50'), ratioTo: 'none', rounds: tidyAll(s?.values.fixedP50)},
      {name: `${kind}: p99 at ${fixedRate} req/s`, value: get('fixedP99'), unit: 'µs', ratio: ratio('fixedP99'), ratioTo: 'none', rounds: tidyAll(s?.values.fixedP99)},
    )
  }
  // The lean engine's own targets are stricter (proxy-targets.ts).
  for (const builtin of kinds.filter((k) => k.startsWith('builtin') && k !== 'builtin-lean')) {
    const vsNginx = tidy(pairwise(r, builtin, 'nginx', 'rps', ratioOf))
    const rounds = perRound(r, builtin, 'nginx', 'rps', ratioOf)
    figures.push({
      name: `${builtin} / nginx throughput (same round)`,
      value: vsNginx,
      unit: '×',
      target: '≥ 0.5× nginx (1 worker each)',
      ...judged(vsNginx, '>=', 0.5, rounds),
      rounds: tidyAll(rounds),
    })
  }
  figures.push(...leanTargets(r, fixedRate))
  for (const kind of kinds.filter((k) => k !== 'none')) {
    const builtin = kind.startsWith('builtin')
    const added = tidy(pairwise(r, kind, 'none', 'fixedP50', differenceOf))
    const rounds = perRound(r, kind, 'none', 'fixedP50', differenceOf)
    figures.push({
      name: `${kind}: added p50 over direct at ${fixedRate} req/s (same round)`,
      value: added,
      unit: 'µs',
      ...(builtin ? {target: '≤ 100 µs (0.1 ms)', ...judged(added, '<=', 100, rounds)} : {}),
      rounds: tidyAll(rounds),
    })
  }

  const failedTotal = kinds.map((k) => `${k} ${(r.subjects[k]?.values.failed ?? []).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0)}`)
  const cpu = kinds.map((k) => `${k} ${tidy(r.subjects[k]?.median.generatorCpu) ?? '—'}%`)
  return {
    name: 'balancer',
    title: '1. What a balancer costs',
    figures,
    notes: [
      `2 built-in app replicas (cluster kind, Hello World!), ${connections} connections closed-loop for ${seconds} s ("highest throughput"), then ${fixedConnections} connections at ${fixedRate} req/s for ${seconds} s (intended-send timing), after a ${warmupS} s warm-up; every subject starts afresh each round.`,
      `nginx runs 1 worker process, HAProxy 1 thread, the built-in proxy 1 process (balancer.workers: 1): equal worker counts. builtin-<engine> is the built-in proxy with that balancer.engine (lean, the default, has the stricter targets of its own); the ≥ 0.5× nginx and ≤ 100 µs targets of the others are the ones set before lean existed.`,
      'The generator, the balancer and both replicas share the same 2 cores: "highest throughput" is of the whole setup, and the direct figure is bounded by the generator as much as by the replicas.',
      `Failed requests over all rounds: ${failedTotal.join(', ')}. Median generator CPU: ${cpu.join(', ')}.`,
      ...(saturated.size ? [`The generator reported itself saturated in some round of: ${[...saturated].join(', ')} (throughput there is the generator's ceiling, not the balancer's).`] : []),
      ...Object.entries(r.failures).map(([k, why]) => `${k} could not be measured: ${why}`),
    ],
    seconds: (Date.now() - started) / 1000,
  }
}

