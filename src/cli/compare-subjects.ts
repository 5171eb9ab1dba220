// What `lbbench compare` runs: the subjects named by --strategies, --balancers and --modes (the matrix of
// those given) and the order of the runs. Pure: no files, no processes.

import {UsageError} from '../model/errors.js'
import {closest} from '../scenario/did-you-mean.js'
import {strategyKinds} from '../proxy/strategies/registry.js'
import {balancerKinds} from '../balancers/registry.js'
import {balancerModes} from '../balancers/balancer-mode.js'

/**
 * Balancers with no strategy to choose (Node's cluster schedules by its own policy, `none` sends the load
 * straight to the replicas). In a matrix they appear once each, not once per strategy.
 */
export const strategyless: ReadonlySet<string> = new Set(balancerKinds.all.filter((k) => k.strategies === null).map((k) => k.name))

/** Balancers with one mode only (no balancer.mode): with --modes they appear once. */
export const modeless: ReadonlySet<string> = new Set(balancerKinds.all.filter((k) => k.options?.mode === undefined).map((k) => k.name))

export interface CompareSubject {
  /** The column's name: `least-connections`, `nginx`, `nginx/p2c`, `tcp`, `nginx/tcp`. */
  label: string
  /** Set when the subject overrides the scenario's balancer.kind. */
  balancer?: string
  /** Set when the subject overrides the scenario's balancer.strategy. */
  strategy?: string
  /** Set when the subject overrides the scenario's balancer.mode. */
  mode?: string
}

/** `a, b ,c` → ['a', 'b', 'c'], each known and given once. */
export function parseList(text: string | undefined, flag: string, known: readonly string[]): string[] | undefined {
  if (text === undefined) return undefined
  const names = text.split(',').map((s) => s.trim()).filter(Boolean)
  if (names.length === 0) throw new UsageError(`${flag}: expected a comma-separated list of ${known.join(', ')}`)
  for (const name of names) {
    if (!known.includes(name)) {
      const guess = known.find((k) => k.startsWith(name)) ?? closest(name, known)
      throw new UsageError(`${flag}: unknown name ${name}${guess ? ` (did you mean ${guess}?)` : ''}; expected some of ${known.join(', ')}`)
    }
  }
  const twice = names.find((n, i) => names.indexOf(n) !== i)
  if (twice) throw new UsageError(`${flag}: ${twice} is listed twice`)
  return names
}

export function compareSubjects(strategiesFlag: string | undefined, balancersFlag: string | undefined, modesFlag?: string): CompareSubject[] {
  const strategies = parseList(strategiesFlag, '--strategies', strategyKinds.names)
  const balancers = parseList(balancersFlag, '--balancers', balancerKinds.names)
  const modes = parseList(modesFlag, '--modes', balancerModes)
  if (!strategies && !balancers && !modes) {
    throw new UsageError('nothing to compare: give --strategies (e.g. round-robin,least-connections), --balancers (e.g. builtin,nginx,none), --modes (tcp,http), or several')
  }
  const subjects = strategies || balancers ? strategyBalancerSubjects(strategies, balancers) : [{label: ''}]
  if (!modes) return subjects
  return subjects.flatMap((s) =>
    s.balancer && modeless.has(s.balancer) ? [s] : modes.map((mode) => ({...s, label: s.label ? `${s.label}/${mode}` : mode, mode})),
  )
}

function strategyBalancerSubjects(strategies: string[] | undefined, balancers: string[] | undefined): CompareSubject[] {
  if (!balancers) return strategies!.map((strategy) => ({label: strategy, strategy}))
  if (!strategies) return balancers.map((balancer) => ({label: balancer, balancer}))
  return balancers.flatMap((balancer) =>
    strategyless.has(balancer) ? [{label: balancer, balancer}] : strategies.map((strategy) => ({label: `${balancer}/${strategy}`, balancer, strategy})),
  )
}

/**
 * The order of the runs: subject indices, round by round, every other round reversed (A B B A A B …), so
 * that a drift of the machine over time (heat, other load) does not always favour the same subject.
 */
export function runOrder(subjects: number, repeat: number): Array<{subject: number; round: number}> {
  const order: Array<{subject: number; round: number}> = []
  for (let round = 0; round < repeat; round++) {
    for (let i = 0; i < subjects; i++) order.push({subject: round % 2 === 0 ? i : subjects - 1 - i, round})
  }
  return order
}

export function parseRepeat(text: string | number | undefined): number {
  if (text === undefined) return 1
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new UsageError(`--repeat: expected a whole number from 1 to 50, got ${text}`)
  return n
}
