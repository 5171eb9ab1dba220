// p2c: power of two choices on in-flight requests per weight (Finagle `P2CPick`, Envoy LEAST_REQUEST's
// comparison). Two distinct usable backends drawn uniformly (see two-choices.ts); the
// one with fewer in-flight requests per weight wins, compared as a.inflight * b.weight <= b.inflight * a.weight;
// a tie goes to the first drawn (Finagle, tower, Envoy — nginx `random two` would take the second).

import {TwoChoices} from './two-choices.js'
import type {BackendView, StrategyKind} from './strategy.js'

const noMoreLoaded = (a: BackendView, b: BackendView): boolean => a.inflight * b.weight <= b.inflight * a.weight

export const p2c: StrategyKind = {
  name: 'p2c',
  summary: 'the less loaded of two random backends, by in-flight requests per weight (Finagle P2C)',
  needsHashKey: false,
  create({backends, random}) {
    const choices = new TwoChoices(backends, random)
    return {pick: ({usable}) => choices.pick(usable, noMoreLoaded)}
  },
}
