// The FaultAction seam. Each action file (kill, pause, slow, exec …) exports one FaultKind: what a scenario
// may say with it (its fields, their defaults), what it does to failover, and the code that applies it.
// registry.ts lists them; scenario validation, the JSON Schema and the failover analysis read them there.

import type {Balancer} from '../balancers/balancer.js'
import type {FailoverFacts} from '../metrics/failover.js'
import type {KindDescriptor} from '../model/kind.js'
import type {ReplicaSet} from '../replicas/replica-set.js'
import type {FaultSpec, Scenario} from '../model/scenario.js'

/** The fields a fault may have besides `at` and `action`, in the order messages list them. */
export const faultFields = ['target', 'for', 'latency', 'status', 'rate', 'command', 'replicas'] as const

export type FaultField = (typeof faultFields)[number]

export interface FaultContext {
  scenario: Scenario
  replicas: ReplicaSet
  balancer: Balancer
  /** Puts an event on the timeline at the current load-clock time, or at `epochMs` (an engine's own time). */
  event: (kind: string, detail: string, target?: string, epochMs?: number) => void
  /** Runs `fn` after `ms`, unless the run has ended by then (for `for:`). */
  later: (ms: number, fn: () => Promise<void>) => void
  /** Folder of the scenario file: `exec` commands run there. */
  scenarioDir: string
}

export interface FaultKind extends KindDescriptor {
  /** Acts on replicas, so `target` is required. */
  readonly needsTarget: boolean
  /** Fields the action requires. */
  readonly requires: readonly FaultField[]
  /** Every field it accepts (a field outside this list is a mistake in the file). */
  readonly accepts: readonly FaultField[]
  /** What the resolved fault holds for a field the file leaves out. */
  readonly defaults?: Partial<Pick<FaultSpec, Exclude<FaultField, 'target'>>>
  /** The replica kinds that can carry it out (an action on an orchestrator's service); absent = every kind. */
  readonly replicaKinds?: readonly string[]
  /** Why a required field is needed (after "is missing; "), where the general words would not say enough. */
  readonly why?: Partial<Record<FaultField, string>>
  /** Whether it makes its target a bad backend, and what ends it early: the failover analysis reads it. */
  readonly failover: FailoverFacts
  /**
   * It ends its target's process (a signal, or a restart stopping a live replica first): the replica's
   * exit in the seconds after it is the fault's doing, not a crash.
   */
  readonly stopsTarget?: true
  /**
   * How the timeline names an applied fault (`slow +200ms for 4s`), starting with the action's name (the
   * failover analysis finds the fault that ends another by it); absent: describeTimed(fault).
   */
  describe?(fault: FaultSpec): string
  apply(ctx: FaultContext, fault: FaultSpec, targets: string[]): Promise<void>
}

/** The fields of an action on replicas: `target` (required) and `extra` (`required` among them are required too). */
export function onReplicas(extra: FaultField[] = [], required: FaultField[] = []): Pick<FaultKind, 'needsTarget' | 'requires' | 'accepts'> {
  return {needsTarget: true, requires: ['target', ...required], accepts: ['target', ...extra]}
}

/** An action after which the target is not a bad backend: restart, resume, heal, exec end or accompany one. */
export const breaksNothing: FailoverFacts = {breaksTarget: false, endedBy: []}

/** `pause for 3s`: the action, the words it adds (`+200ms`), and `for` when the fault has one. */
export function describeTimed(fault: FaultSpec, ...words: string[]): string {
  return [fault.action, ...words, ...(fault.for === undefined ? [] : [`for ${fault.for / 1000}s`])].join(' ')
}

/** Undoes a timed fault after `for`, when it has one. */
export function undoAfter(ctx: FaultContext, fault: FaultSpec, undo: () => Promise<void>): void {
  if (fault.for !== undefined) ctx.later(fault.for, undo)
}
