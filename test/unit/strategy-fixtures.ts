// Shared by the strategies' unit tests: backends r1…rN with given weights, and a strategy built by name.
import {seededRandom, type Random} from '../../src/model/random.js'
import {strategyKinds} from '../../src/proxy/strategies/registry.js'
import type {BackendView, Strategy} from '../../src/proxy/strategies/strategy.js'

export function backendsWithWeights(weights: number[]): BackendView[] {
  return weights.map((weight, index) => ({id: `r${index + 1}`, index, weight, inflight: 0}))
}

export function make(
  name: string,
  backends: BackendView[],
  opts: {random?: Random; now?: () => number; maxFails?: number} = {},
): Strategy {
  const def = strategyKinds.get(name)
  if (!def) throw new Error(`no strategy ${name}`)
  return def.create({backends, random: opts.random ?? seededRandom(42), now: opts.now ?? (() => 0), maxFails: opts.maxFails})
}

export const all = (): boolean => true
export const none = (): boolean => false
export const except =
  (...ids: string[]) =>
  (b: BackendView): boolean =>
    !ids.includes(b.id)

/** Letters a, b, c … for r1, r2, r3 …, to write sequences as the nginx commit message does. */
export function letters(picks: (BackendView | undefined)[]): string {
  return picks.map((b) => (b ? String.fromCharCode(0x61 + b.index) : '-')).join('')
}

export function pickMany(s: Strategy, n: number, usable: (b: BackendView) => boolean = all, key?: string): (BackendView | undefined)[] {
  return Array.from({length: n}, () => s.pick({key, usable}))
}

export function shares(picks: (BackendView | undefined)[], count: number): number[] {
  const c = new Array<number>(count).fill(0)
  for (const b of picks) if (b) c[b.index]++
  return c.map((x) => x / picks.length)
}
