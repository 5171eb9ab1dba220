// What a balancer kind says of itself: which strategies it can express, what it cannot do with a
// scenario, how a report names it, what health checking it does untold, and how to start one. Each kind
// is one descriptor in kinds/<name>.ts; registry.ts lists them. A descriptor holds small tables and
// functions only: its implementation (nginx.ts, haproxy.ts, …) loads when `create` is called, so that
// `lbbench validate` and --help never load it.

import {basename} from 'node:path'
import type {KindDescriptor, KindOption, KindProblem} from '../model/kind.js'
import type {ActiveHealth, BalancerSpec, LoadSpec, PassiveHealth, ReplicasSpec, Scenario} from '../model/scenario.js'
import {parseHashKey} from '../proxy/hash-key.js'
import {defaultStrategy, strategyKinds} from '../proxy/strategies/registry.js'
import type {Balancer, BalancerOptions} from './balancer.js'
import type {OwnConfigReader} from './own-config.js'

/** What a report knows of the balancer beyond its scenario: whether the built-in proxy's workers shared their health state. */
export interface ObservedBalancer {
  state?: 'per-worker' | 'shared'
}

export interface BalancerKind extends KindDescriptor {
  /**
   * The strategies (`balancer.strategy`) it can express, each with how it does (nginx: least-connections →
   * `least_conn`); or null: it has no strategy to choose (Node's cluster schedules by its own policy,
   * `none` has nothing between the load and the replicas), so a compare matrix runs it once, not once per strategy.
   */
  readonly strategies: Readonly<Record<string, string>> | null
  /**
   * The problems it finds in the balancer and replicas sections alone (replicas it cannot stand in front
   * of, a strategy it has no use for): reported together with the file's other problems, where `check`
   * runs only on a file that has no other.
   */
  checkSections?(balancer: BalancerSpec, replicas: ReplicasSpec | undefined): KindProblem[]
  /**
   * Every problem it finds in a scenario that passed the schema: a strategy or option it cannot honour is
   * a scenario error (exit 2) rather than a surprise mid-run. Paths are dotted (`balancer.strategy`).
   */
  check(scenario: Pick<Scenario, 'balancer' | 'replicas'>): KindProblem[]
  /**
   * `balancer` keys only this kind takes, absent unless the file gives them (sharedState), each with what
   * it applies to as a message says it after "applies to": `the built-in proxy's workers only (…)`.
   * Another kind's scenario giving one is a problem.
   */
  readonly ownKeys?: Readonly<Partial<Record<keyof BalancerSpec, string>>>
  /** How the reports and `lbbench validate` name it: `built-in proxy (round-robin, 2 workers, shared health state)`. */
  label(balancer: BalancerSpec, observed?: ObservedBalancer): string
  /** The health checking it does when the scenario has no health section (a health section given says all there is). */
  defaultHealth(): {passive?: PassiveHealth; active?: ActiveHealth}
  /**
   * Why every request of a client goes to the replica its connection was given, when it does for this
   * scenario (a balancer that picks per connection, or none in between): the split of requests is then a
   * split of connections (connection-split.ts). Absent, or undefined: it picks per request, or cannot tell.
   */
  splitsByConnection?(s: Pick<Scenario, 'balancer' | 'load'>): string | undefined
  /**
   * How it splits the load without the replicas' weights, when it does for this balancer section (Node's
   * cluster; the built-in proxy's round-robin): a report's fairness still divides each replica's requests
   * by its weight (fairness-notes.ts). Absent, or undefined: it follows the weights, or cannot tell.
   */
  ignoresWeights?(balancer: BalancerSpec): string | undefined
  /** It is the replicas' cluster primary, listening on the one port they share. */
  readonly sharesReplicaPort?: true
  /** The keys under `balancer` that only this kind takes (and other kinds may share), each with what it means. */
  readonly options?: Readonly<Record<string, KindOption>>
  /** The `balancer` keys of a smallest valid scenario of this kind, besides `kind`; absent = none. */
  readonly example?: Readonly<Record<string, unknown>>
  /** The `replicas` section of a scenario that names this kind and gives none; absent = the replica kinds' defaults. */
  readonly defaultReplicas?: Readonly<Record<string, unknown>>
  /**
   * A balancer lbbench does not configure: the response header that names the backend (undefined:
   * lbbench's own x-lbbench-backend, which its replicas stamp too). The values are matched against the
   * replicas' names (r2) and addresses (127.0.0.1:9002), and one that matches neither is counted under
   * `other`. Absent: the balancer stamps x-lbbench-backend with the replica's id itself.
   */
  backendHeaderOf?(balancer: BalancerSpec): string | undefined
  /** It terminates TLS itself (balancer.tls): the load comes in over HTTPS, the replicas stay plain HTTP. */
  readonly terminatesTls?: true
  /** It can run your own configuration (balancer.config): how it reads the template at validation. */
  readonly ownConfig?: OwnConfigReader
  /** Loads its implementation and makes one, not started. */
  create(opts: BalancerOptions): Promise<Balancer>
}

/** A strategy as a label shows it: `consistent-hash by header:x-user`, or what your own configuration says. */
export function strategyLabel(b: BalancerSpec): string {
  if (b.config) return `strategy: from config (${b.config.balancing ?? basename(b.config.file)})`
  return `${b.strategy}${b.hashKey ? ` by ${b.hashKey}` : ''}`
}

/**
 * The load keeps its connections for good (no load.keepAlive false or {requests: N}): a balancer that picks
 * per connection never picks again, where renewed connections would even the split out over time.
 */
export const keptAlive = (load: Pick<LoadSpec, 'keepAlive' | 'keepAliveRequests'>): boolean => load.keepAlive !== false && load.keepAliveRequests === undefined

/** The strategy problem of a kind that has none to choose: any but the default was asked for in vain. */
export function strategyNotApplicable(b: BalancerSpec, why: string): KindProblem[] {
  return b.strategy === defaultStrategy ? [] : [{path: 'balancer.strategy', message: `does not apply: ${why}`}]
}

/** What a label adds for your own stack: the configuration file it runs, and TLS. */
export function ownStackLabel(b: BalancerSpec): string[] {
  return [...(b.config ? [`config ${basename(b.config.file)}`] : []), ...(b.tls ? ['TLS'] : [])]
}

/** The strategy problem of a balancer that can express only some strategies, with the closest it has. */
export function strategyProblem(who: string, b: BalancerSpec, strategies: Readonly<Record<string, string>>): KindProblem[] {
  if (b.strategy in strategies) return []
  const instead = (strategyKinds.get(b.strategy)?.nearest ?? []).filter((s) => s in strategies).join(' or ')
  return [
    {
      path: 'balancer.strategy',
      message: `${who} has no ${b.strategy} strategy` + (instead ? `; the closest it has is ${instead}` : '') + `. ${who} can do: ${Object.keys(strategies).join(', ')}`,
    },
  ]
}

/** consistent-hash: a key nginx and HAProxy can name (a header name without `_`). */
export function hashKeyProblem(b: BalancerSpec): KindProblem[] {
  if (b.strategy !== 'consistent-hash') return []
  const key = parseHashKey(b.hashKey)
  return typeof key === 'string' ? [{path: 'balancer.hashKey', message: key}] : []
}
