// The shared runner of every measurement: the subjects take turns within each round (a different one
// goes first each round, so that a machine that slows down or warms up over time does not favour one of
// them), each figure is the median over the rounds, and each is also divided by its baseline measured in
// the same round: a ratio of two neighbours in time is far steadier on a busy 2-core machine than either
// absolute figure.

export interface Subject {
  name: string
  /** One measurement of this subject: named figures (req/s, µs, ns …). */
  measure(round: number): Promise<Record<string, number>>
}

export interface SubjectResult {
  /** Each figure's value in every round, in round order (NaN when that round gave none). */
  values: Record<string, number[]>
  median: Record<string, number>
  /** median over the rounds of (this round's value / the baseline's value in the same round). */
  ratio: Record<string, number>
}

export interface RoundsResult {
  rounds: number
  baseline?: string
  subjects: Record<string, SubjectResult>
  /** Subjects that failed in some round, with why (the other subjects still count). */
  failures: Record<string, string>
}

export interface RoundsOptions {
  rounds: number
  /** The subject every ratio is taken against (none: the caller relates figures itself). */
  baseline?: string
  log: (line: string) => void
  /** Once aborted, no further subject starts (what was measured so far is summarized). */
  signal?: AbortSignal
}

/** Runs `subjects` for `opts.rounds` rounds, rotating who goes first. */
export async function runRounds(subjects: Subject[], opts: RoundsOptions): Promise<RoundsResult> {
  const perRound: Array<Record<string, Record<string, number>>> = []
  const failures: Record<string, string> = {}
  for (let round = 0; round < opts.rounds; round++) {
    const got: Record<string, Record<string, number>> = {}
    for (const subject of rotate(subjects, round)) {
      if (opts.signal?.aborted) break
      if (failures[subject.name]) continue // a subject that cannot run does not get better by retrying
      try {
        got[subject.name] = await subject.measure(round)
        opts.log(`  round ${round + 1}/${opts.rounds} ${subject.name}: ${describe(got[subject.name])}`)
      } catch (error) {
        failures[subject.name] = (error as Error).message
        opts.log(`  round ${round + 1}/${opts.rounds} ${subject.name}: FAILED ${(error as Error).message}`)
      }
    }
    perRound.push(got)
  }
  return {rounds: opts.rounds, baseline: opts.baseline, subjects: summarize(subjects, perRound, opts.baseline), failures}
}

export function summarize(
  subjects: Array<{name: string}>,
  perRound: Array<Record<string, Record<string, number>>>,
  baseline: string | undefined,
): Record<string, SubjectResult> {
  const out: Record<string, SubjectResult> = {}
  for (const {name} of subjects) {
    const metrics = new Set(perRound.flatMap((r) => Object.keys(r[name] ?? {})))
    const result: SubjectResult = {values: {}, median: {}, ratio: {}}
    for (const metric of metrics) {
      const values = perRound.map((r) => r[name]?.[metric] ?? Number.NaN)
      result.values[metric] = values
      result.median[metric] = median(values)
      const ratios = perRound.map((r) => {
        const mine = r[name]?.[metric]
        const base = baseline === undefined ? undefined : r[baseline]?.[metric]
        return mine === undefined || base === undefined || base === 0 ? Number.NaN : mine / base
      })
      if (baseline !== undefined) result.ratio[metric] = median(ratios)
    }
    out[name] = result
  }
  return out
}

/** Median of the finite values; NaN when there are none. */
export function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return Number.NaN
  const mid = Math.floor(v.length / 2)
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

/** `items` starting at `round mod n`: every subject goes first once every n rounds. */
export function rotate<T>(items: T[], round: number): T[] {
  const k = items.length === 0 ? 0 : round % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

function describe(figures: Record<string, number>): string {
  return Object.entries(figures)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`)
    .join(' ')
}

/** f(a's value, b's value) in each round, e.g. a's ratio to another subject measured in the same round. */
export function perRound(r: RoundsResult, a: string, b: string, metric: string, f: (x: number, y: number) => number): number[] {
  const xs = r.subjects[a]?.values[metric] ?? []
  const ys = r.subjects[b]?.values[metric] ?? []
  return xs.map((x, i) => f(x, ys[i] ?? Number.NaN))
}

/** The median over the rounds of perRound(). */
export function pairwise(r: RoundsResult, a: string, b: string, metric: string, f: (x: number, y: number) => number): number {
  return median(perRound(r, a, b, metric, f))
}

export const ratioOf = (x: number, y: number): number => (y === 0 ? Number.NaN : x / y)
export const differenceOf = (x: number, y: number): number => x - y
