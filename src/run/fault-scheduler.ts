// Applies the scenario's faults at their offsets on the load clock, resolves their targets, and undoes
// timed ones after `for`. Every fault and its outcome goes on the timeline.

import {dirname} from 'node:path'
import {describeTimed, type FaultContext} from '../faults/action.js'
import {faultKinds} from '../faults/registry.js'
import type {AppliedFault} from '../metrics/failover.js'
import {deriveSeed, seededRandom, type Random} from '../model/random.js'
import type {Balancer} from '../balancers/balancer.js'
import type {ReplicaSet} from '../replicas/replica-set.js'
import {replicaIds, type FaultSpec, type LoadedScenario} from '../model/scenario.js'
import type {Timeline} from './timeline.js'

export class FaultScheduler {
  readonly applied: AppliedFault[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly running = new Set<Promise<void>>()
  private readonly random: Random
  private ended = false

  constructor(
    private readonly loaded: LoadedScenario,
    private readonly replicas: ReplicaSet,
    private readonly balancer: Balancer,
    private readonly timeline: Timeline,
    /** Puts an event on the timeline and shows it in the progress output. */
    private readonly event: (kind: string, detail: string, target?: string, epochMs?: number) => void,
  ) {
    this.random = seededRandom(deriveSeed(loaded.scenario.seed, 'fault-targets'))
  }

  /** Schedules every fault relative to t = 0 (a wall-clock time). */
  start(t0: number): void {
    for (const fault of this.loaded.scenario.faults) this.after(t0 + fault.at - Date.now(), () => this.apply(fault))
  }

  /** Cancels what has not happened yet and waits (bounded) for faults being applied. */
  async stop(): Promise<void> {
    this.ended = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, 2000).unref())])
  }

  /** Whether a fault that stops its target (kill, terminate, restart) was aimed at this replica in the last few seconds. */
  explainsExit(id: string, nowMs: number): boolean {
    return this.applied.some((f) => f.target === id && faultKinds.get(f.action)?.stopsTarget === true && nowMs - f.atMs < 10_000)
  }

  private after(ms: number, fn: () => Promise<void>): void {
    if (this.ended) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (this.ended) return
      const p = fn().finally(() => this.running.delete(p))
      this.running.add(p)
    }, Math.max(0, ms))
    this.timers.add(timer)
  }

  private async apply(fault: FaultSpec): Promise<void> {
    const action = faultKinds.get(fault.action)!
    const targets = this.targetsOf(fault)
    const detail = action.describe?.(fault) ?? describeTimed(fault)
    // One instant for the timeline event and the failover window, so the two agree to the millisecond.
    const epochMs = Date.now()
    const atMs = this.timeline.at(epochMs)
    if (targets.length === 0) this.event('fault', detail, undefined, epochMs)
    for (const target of targets) {
      this.event('fault', detail, target, epochMs)
      this.applied.push({action: fault.action, target, atMs, ...(fault.for === undefined ? {} : {forMs: fault.for})})
    }
    const ctx: FaultContext = {
      scenario: this.loaded.scenario,
      replicas: this.replicas,
      balancer: this.balancer,
      event: this.event,
      later: (ms, fn) => this.after(ms, fn),
      scenarioDir: dirname(this.loaded.file),
    }
    try {
      await action.apply(ctx, fault, targets)
    } catch (error) {
      if (!this.ended) this.event('fault-error', `${fault.action} failed: ${(error as Error).message}`, targets.join(','))
    }
  }

  private targetsOf(fault: FaultSpec): string[] {
    if (fault.target === undefined) return []
    if (fault.target !== 'random') return fault.target
    const ids = replicaIds(this.loaded.scenario)
    return [ids[Math.floor(this.random() * ids.length)]]
  }
}
