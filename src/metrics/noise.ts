// Is a difference between two runs larger than the runs' own noise? The samples are per-second figures
// (one value per second of measured load), so n is the number of seconds, never the number of requests:
// requests within a second share the same machine state (a GC pause, a busy neighbour, a fault), so
// counting them as independent would make every difference look significant.
//
// Two tests, each chosen for the shape of its figure:
// - welch: for figures that are sums or ratios per second (rps, failures, shares, Jain's index). Their
//   per-second values are roughly symmetric around a mean, and Welch's t-test does not assume both runs
//   vary equally (a run with a fault varies more than one without).
// - medianShift: for per-second latency percentiles, which are skewed and spiky (one slow second can be
//   10× the others). A seeded bootstrap of the difference of medians needs no distribution assumed and
//   ignores a few outlying seconds; it is repeatable because the resampling is seeded.
// Both are two-sided at ALPHA and give the estimated shift (current − baseline) with its sign, so the
// caller can require the shift to be in the metric's bad direction.

import {seededRandom} from '../model/random.js'

export const ALPHA = 0.05
/** Bootstrap resamples: enough for a stable 95% interval, cheap for a few hundred seconds. */
const RESAMPLES = 2000
export const MIN_SECONDS = 3

export interface NoiseTest {
  /** True when the difference is beyond the noise at ALPHA (two-sided). */
  significant: boolean
  /** current − baseline, as the test estimates it (means for welch, medians for medianShift). */
  shift: number
  /** What was done, for people: `Welch t=-8.12 df=17.3 p<0.001 (n=10/10 s)`. */
  text: string
}

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length

function sampleVariance(xs: number[]): number {
  const m = mean(xs)
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)
}

function tooFew(a: number[], b: number[]): NoiseTest {
  return {significant: false, shift: 0, text: `too few seconds to estimate noise (n=${a.length}/${b.length} s; at least ${MIN_SECONDS} each)`}
}

function formatP(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`
}

/** Welch's unequal-variances t-test of the means of `baseline` and `current`. */
export function welch(baseline: number[], current: number[]): NoiseTest {
  const a = baseline.filter(Number.isFinite)
  const b = current.filter(Number.isFinite)
  if (a.length < MIN_SECONDS || b.length < MIN_SECONDS) return tooFew(a, b)
  const shift = mean(b) - mean(a)
  const va = sampleVariance(a) / a.length
  const vb = sampleVariance(b) / b.length
  const n = `n=${a.length}/${b.length} s`
  if (va + vb === 0) {
    // Both runs were the same every second: any difference of the means is beyond their (zero) noise.
    return {significant: shift !== 0, shift, text: `no per-second spread in either run (${n})`}
  }
  const t = shift / Math.sqrt(va + vb)
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1))
  const p = studentTwoSidedP(t, df)
  return {significant: p < ALPHA, shift, text: `Welch t=${t.toFixed(2)} df=${df.toFixed(1)} ${formatP(p)} (${n})`}
}

export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/**
 * A bootstrap 95% interval of median(current) − median(baseline), resampling the seconds of each run
 * with replacement; significant when the interval excludes 0. Seeded: the same inputs give the same verdict.
 */
export function medianShift(baseline: number[], current: number[], seed = 1): NoiseTest {
  const a = baseline.filter(Number.isFinite)
  const b = current.filter(Number.isFinite)
  if (a.length < MIN_SECONDS || b.length < MIN_SECONDS) return tooFew(a, b)
  const rand = seededRandom(seed)
  const resample = (xs: number[]) => {
    const out = new Array<number>(xs.length)
    for (let i = 0; i < xs.length; i++) out[i] = xs[Math.floor(rand() * xs.length)]
    return out
  }
  const diffs = new Array<number>(RESAMPLES)
  for (let i = 0; i < RESAMPLES; i++) diffs[i] = median(resample(b)) - median(resample(a))
  diffs.sort((x, y) => x - y)
  const lo = diffs[Math.floor((ALPHA / 2) * RESAMPLES)]
  const hi = diffs[Math.ceil((1 - ALPHA / 2) * RESAMPLES) - 1]
  const shift = median(b) - median(a)
  const significant = lo > 0 || hi < 0
  return {significant, shift, text: `bootstrap of per-second medians: shift ${round(shift)}, 95% interval [${round(lo)}, ${round(hi)}] (n=${a.length}/${b.length} s)`}
}

const round = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toString() : Number(x.toPrecision(3)).toString())

/** Two-sided p-value of Student's t with df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5)
}

/** I_x(a, b) by its continued fraction (Numerical Recipes' betacf, modified Lentz). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a
  return 1 - (front * betaFraction(1 - x, b, a)) / b
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-12) break
  }
  return h
}

/** ln Γ(x), Lanczos approximation (g = 7, 9 terms): ~15 digits for x > 0. */
export function logGamma(x: number): number {
  const g = 7
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const xm = x - 1
  let s = c[0]
  for (let i = 1; i < g + 2; i++) s += c[i] / (xm + i)
  const t = xm + g + 0.5
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(s)
}
