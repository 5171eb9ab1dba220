// What a replica kind says of itself (cluster, process, docker, external; one file each in kinds/): the
// scenario keys it takes and what it requires of them, what it can do with the rest of a scenario, its
// readiness default, what a crashed run of it may leave behind, and how to start it. Scenario validation,
// the JSON Schema and `lbbench clean` read these through registry.ts; the kind's code loads only when a
// run uses it.

import type {KindDescriptor, KindOption, KindProblem} from '../model/kind.js'
import type {FaultSpec, ReplicasSpec} from '../model/scenario.js'
import type {ReplicaSet, ReplicaSetOptions} from './replica-set.js'

/** What `lbbench clean` reports; a kind's sweep adds to it. */
export interface LeftoverReport {
  /** Runs whose leftovers were (or, with dryRun, would be) removed. */
  runs: string[]
  containers: Array<{id: string; name: string; runId: string}>
  /** Swarm services (swarm replicas), removed before their containers. */
  services?: Array<{id: string; name: string; runId: string}>
  /** What was left alone on purpose: a run still going, a container of another host's run. */
  leftAlone: string[]
  /** What could not be done: an engine that could not be reached, a container that would not go. */
  notes: string[]
}

/** One pass of `lbbench clean`, as a kind's sweep sees it. */
export interface LeftoverSweep {
  /** Runs whose orchestrator is alive: nothing of theirs is touched. */
  live: ReadonlySet<string>
  /** Runs whose state file says their orchestrator is gone. */
  dead: ReadonlySet<string>
  dryRun: boolean
  /** How long an engine (the Docker daemon) gets to answer before it counts as unreachable. */
  engineTimeoutMs: number
  report: LeftoverReport
}

export interface ReplicaLeftovers {
  /** What a run of this kind whose orchestrator died may leave behind. */
  readonly what: string
  /** Finds and (unless dryRun) removes it; absent when the sweep of every run's processes and folders covers it. */
  sweep?(s: LeftoverSweep): Promise<void>
}

/** What a replica kind reads of a fault: its action, its duration, and whether it acts on replicas (its target, as the file gives it). */
export type FaultToCheck = Pick<FaultSpec, 'action' | 'for'> & {target?: unknown}

/** A key under `replicas` that only some kinds take. */
export interface ReplicaOption extends KindOption {
  /** A list with one entry per replica: replicas.count comes from its length, and a count given must agree. */
  readonly perReplica?: true
}

export interface ReplicaKindDescriptor<Name extends string = string> extends KindDescriptor {
  readonly name: Name
  /** The keys under `replicas` that only this kind takes (and other kinds may share), each with what it means. */
  readonly options: Readonly<Record<string, ReplicaOption>>
  /** The `replicas` keys of a smallest valid scenario of this kind, besides `kind`. */
  readonly example: Readonly<Record<string, unknown>>
  /** `replicas.count` when the file gives neither a count nor a per-replica list; absent = 2. */
  readonly defaultCount?: number
  /** `replicas.ready.path` when the file gives none; undefined = ready once its port accepts connections. */
  readonly defaultReadyPath: string | undefined
  /** The progress line while its replicas get ready; default `starting N <kind> replicas`. */
  startLine?(count: number): string
  /** Every problem with its own keys (what other kinds' keys do here is checked for every kind alike). */
  check(replicas: ReplicasSpec): KindProblem[]
  /** What it cannot do with the scenario's faults (an action it has no way to carry out); undefined = a fault that did not parse. */
  checkFaults?(replicas: ReplicasSpec, faults: ReadonlyArray<FaultToCheck | undefined>): KindProblem[]
  readonly leftovers: ReplicaLeftovers
  /** Loads the kind's code only when a run uses it, so `validate` and `--help` stay fast. */
  create(opts: ReplicaSetOptions): Promise<ReplicaSet>
}
