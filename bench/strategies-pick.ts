// Cost of one pick() per strategy (4 backends, all usable, hash strategies with varied path keys).
// Run: node --import tsx bench/strategies-pick.ts   — prints ns per pick; not part of the test suite.
import {strategies} from '../src/proxy/strategies/registry.js'
import {seededRandom} from '../src/random.js'
import type {BackendView} from '../src/proxy/strategies/strategy.js'

const backends: BackendView[] = [1, 1, 2, 1].map((weight, index) => ({id: `r${index + 1}`, index, weight, inflight: 0}))
const keys = Array.from({length: 1024}, (_, i) => `/users/${i * 7919}`)
const usable = (b: BackendView): boolean => b.inflight < 1_000_000
const picks = 500_000

for (const def of Object.values(strategies)) {
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
  const ns = Number(process.hrtime.bigint() - t0) / picks
  console.log(`${def.name.padEnd(22)} ${ns.toFixed(0).padStart(6)} ns/pick`)
}
