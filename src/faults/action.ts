// The FaultAction seam: one file per action (kill, pause, slow, exec …); registry.ts chooses by name.

import type {Balancer} from '../balancers/balancer.js'
import type {ReplicaSet} from '../replicas/replica-set.js'
import type {FaultSpec, Scenario} from '../model/scenario.js'

export interface FaultContext {
  scenario: Scenario
  replicas: ReplicaSet
  balancer: Balancer
  /** Puts an event on the timeline at the current load-clock time. */
  event: (kind: string, detail: string, target?: string) => void
  /** Runs `fn` after `ms`, unless the run has ended by then (for `for:`). */
  later: (ms: number, fn: () => Promise<void>) => void
  /** Folder of the scenario file: `exec` commands run there. */
  scenarioDir: string
}

export interface FaultAction {
  name: string
  apply(ctx: FaultContext, fault: FaultSpec, targets: string[]): Promise<void>
}

/** Undoes a timed fault after `for`, when it has one. */
export function undoAfter(ctx: FaultContext, fault: FaultSpec, undo: () => Promise<void>): void {
  if (fault.for !== undefined) ctx.later(fault.for, undo)
}
