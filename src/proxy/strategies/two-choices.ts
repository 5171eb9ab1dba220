// The power of two choices over the usable backends, as Finagle's `P2CPick` draws them: a := rand(n),
// b := rand(n-1), b >= a → b += 1, so the two are always distinct (Envoy draws with replacement and may
// compare a host with itself; nginx `random two` draws weighted). The lighter wins and a tie goes to the
// first drawn, as in Finagle (`if (a.load <= b.load) a else b`) and tower's p2c (`aload <= bload`).
// One usable backend is chosen without drawing. Shared by p2c and peak-ewma.

import type {Random} from '../../model/random.js'
import type {BackendView} from './strategy.js'

export class TwoChoices {
  private readonly candidates: Int32Array

  constructor(
    private readonly backends: readonly BackendView[],
    private readonly random: Random,
  ) {
    this.candidates = new Int32Array(backends.length)
  }

  /** `noHeavier(a, b)`: a's load ≤ b's load. */
  pick(usable: (b: BackendView) => boolean, noHeavier: (a: BackendView, b: BackendView) => boolean): BackendView | undefined {
    const {backends, candidates} = this
    let n = 0
    for (let i = 0; i < backends.length; i++) if (usable(backends[i])) candidates[n++] = i
    if (n === 0) return undefined
    if (n === 1) return backends[candidates[0]]
    const a = Math.floor(this.random() * n)
    let b = Math.floor(this.random() * (n - 1))
    if (b >= a) b += 1
    const first = backends[candidates[a]]
    const second = backends[candidates[b]]
    return noHeavier(first, second) ? first : second
  }
}
