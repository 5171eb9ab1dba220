// 6. Cost of one pick() per strategy of the built-in proxy (4 backends, all usable, weights 1-1-2-1; hash
// strategies get varied path keys). Part of `npm run bench` (--only strategies); also runs alone:
//   npm run build && node --import tsx bench/strategies-pick.ts   — prints ns per pick; not part of the test suite.
import {fileURLToPath} from 'node:url'
import type {BackendView} from '../src/proxy/strategies/strategy.js'
import {compiled} from './compiled-cli.js'
import type {BenchContext} from './context.js'
import {tidy, tidyAll, type Figure, type Measurement} from './figures.js'
import {runRounds, type Subject} from './rounds.js'

// The compiled strategies, as the proxy runs them.
const {strategyKinds} = await compiled<typeof import('../src/proxy/strategies/registry.js')>('proxy/strategies/registry')
const {seededRandom} = await compiled<typeof import('../src/model/random.js')>('model/random')

const keys = Array.from({length: 1024}, (_, i) => `/users/${i * 7919}`)
const usable = (b: BackendView): boolean => b.inflight < 1_000_000

/** Nanoseconds per pick of the strategy `name`, over `picks` picks after a JIT warm-up. */
export function nsPerPick(name: string, picks = 500_000): number {
  const def = strategyKinds.get(name)!
  const backends: BackendView[] = [1, 1, 2, 1].map((weight, index) => ({id: `r${index + 1}`, index, weight, inflight: 0}))
  const s = def.create({backends, random: seededRandom(1), now: () => performance.now()})
  const run = (n: number): number => {
    let sum = 0
    for (let i = 0; i < n; i++) {
      const b = s.pick({key: def.needsHashKey ? keys[i & 1023] : undefined, usable})!
      b.inflight = (b.inflight + 1) & 7 // some load variation for the load-aware ones
      sum += b.index
    }
    return sum
  }
  run(50_000) // warm up the JIT
  const t0 = process.hrtime.bigint()
  run(picks)
  return Number(process.hrtime.bigint() - t0) / picks
}

export async function strategyPicks(ctx: BenchContext): Promise<Measurement> {
  const started = Date.now()
  const picks = ctx.quick ? 200_000 : 500_000
  const subjects: Subject[] = strategyKinds.names.map((name) => ({name, measure: async () => ({ns: nsPerPick(name, picks)})}))
  const r = await runRounds(subjects, {rounds: ctx.rounds, baseline: 'round-robin', log: ctx.log, signal: ctx.signal})
  const figures: Figure[] = subjects.map(({name}) => ({
    name,
    value: tidy(r.subjects[name]?.median.ns),
    unit: 'ns/pick',
    ...(name === 'round-robin' ? {} : {ratio: tidy(r.subjects[name]?.ratio.ns), ratioTo: 'round-robin'}),
    rounds: tidyAll(r.subjects[name]?.values.ns),
  }))
  return {
    name: 'strategies',
    title: '6. Strategies: cost of one pick',
    figures,
    notes: [
      `${picks.toLocaleString('en-US')} picks per strategy per round after 50,000 to warm up the JIT, 4 backends (weights 1, 1, 2, 1), in the bench process. No target: for scale, a request through the built-in proxy costs tens of µs.`,
      ...Object.entries(r.failures).map(([k, why]) => `${k} could not be measured: ${why}`),
    ],
    seconds: (Date.now() - started) / 1000,
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of strategyKinds.names) console.log(`${name.padEnd(22)} ${nsPerPick(name).toFixed(0).padStart(6)} ns/pick`)
}
