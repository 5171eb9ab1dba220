// Issue 17's targets for the lean engine, from the balancer measurement's rounds (balancer-cost.ts):
// against nginx and HAProxy with one worker each and the undici engine, every ratio taken within a round
// (neighbours in time on a busy machine) and its median over the rounds reported; the added p50s, each a
// difference within a round, are compared by their medians. Each figure comes with its 90% interval over
// the rounds (figures.ts roundsInterval), which says whether a PASS or MISS is more than the rounds' noise.

import type {Figure} from './figures.js'
import {judged, roundsInterval, tidy, tidyAll} from './figures.js'
import {differenceOf, median, perRound, ratioOf, type RoundsResult} from './rounds.js'

const lean = 'builtin-lean'

export function leanTargets(r: RoundsResult, fixedRate: number): Figure[] {
  if (!r.subjects[lean]) return []
  const ratio = (other: string, metric: string) => perRound(r, lean, other, metric, ratioOf)
  const added = (kind: string) => perRound(r, kind, 'none', 'fixedP50', differenceOf)
  const addedNginx = added('nginx')
  const addedRatio = added(lean).map((x, i) => ratioOf(x, addedNginx[i]))
  const figure = (name: string, rounds: number[], op: '>=' | '<=', limit: number, target: string, of = median(rounds), interval?: [number, number] | null): Figure => {
    const value = tidy(of)
    return {name, value, unit: '×', target, ...judged(value, op, limit, rounds, interval), rounds: tidyAll(rounds)}
  }
  // nginx adds a few tens of µs, as much as the rounds differ by, so a round's ratio of the two
  // differences can be anything (one round gave −7.00×, which would have passed): the figure is the
  // ratio of the two medians over the rounds that measured both, its interval that of the same ratio over
  // resampled rounds (each round's two differences drawn together); the rounds' own ratios are listed beside it.
  const addedLean = added(lean)
  const both = addedLean.flatMap((x, i) => (Number.isFinite(x) && Number.isFinite(addedNginx[i]) ? [i] : []))
  const ratioOfMedians = (drawn: number[]) => ratioOf(median(drawn.map((j) => addedLean[both[j]])), median(drawn.map((j) => addedNginx[both[j]])))
  const addedOfMedians = ratioOfMedians(both.map((_, j) => j))
  return [
    figure(`${lean} / nginx throughput (same round)`, ratio('nginx', 'rps'), '>=', 1, '≥ 1.0× nginx (1 worker each)'),
    figure(`${lean} / haproxy throughput (same round)`, ratio('haproxy', 'rps'), '>=', 0.8, '≥ 0.8× HAProxy (1 worker/thread each)'),
    figure(`${lean} added p50 / nginx added p50 at ${fixedRate} req/s (medians over the rounds)`, addedRatio, '<=', 1.5, "≤ 1.5× nginx's", addedOfMedians, roundsInterval(both.length, ratioOfMedians)),
    figure(`${lean} / builtin-undici p99 at highest throughput (same round)`, ratio('builtin-undici', 'p99'), '<=', 1, "no worse than the undici engine's"),
    figure(`${lean} / builtin-undici p99 at ${fixedRate} req/s (same round)`, ratio('builtin-undici', 'fixedP99'), '<=', 1, "no worse than the undici engine's"),
  ]
}
