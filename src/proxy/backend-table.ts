// The proxy's backends and their health: where each one is, what strategies see of it (BackendView), and
// whether it may be chosen. Passive (nginx) and active (HAProxy) health each keep their own verdict; a
// backend is usable when neither has it down. The orchestrator hears about the combined state only, once
// per change, with the reason of the check that changed it.
// With shared state (several workers, balancer.sharedState) the table tells `share` of its own passive
// events and applies the other workers' and the primary's checks (shared-health.ts).

import type {BackendStateChange} from '../model/balancer-stats.js'
import type {BalancerSpec} from '../model/scenario.js'
import {ActiveHealth} from './active-health.js'
import type {EngineTarget} from './engine.js'
import type {ProxyBackend} from './messages.js'
import {PassiveHealth, type HealthTransition} from './passive-health.js'
import type {HealthEvent} from './shared-health.js'
import type {BackendView} from './strategies/strategy.js'

export class BackendTable {
  readonly views: BackendView[]
  /** Current address of each backend; an entry is replaced (never mutated) when a replica moves. */
  readonly targets: EngineTarget[]
  readonly passive: PassiveHealth | undefined
  readonly active: ActiveHealth | undefined
  private readonly down: boolean[]

  constructor(
    backends: readonly ProxyBackend[],
    spec: BalancerSpec,
    private readonly onState: (change: BackendStateChange) => void,
    /** With shared state: where this worker's passive events go (to the primary, which relays them). */
    private readonly share?: (event: HealthEvent) => void,
  ) {
    this.views = backends.map((b, index) => ({id: b.id, index, weight: b.weight, inflight: 0}))
    this.targets = backends.map((b) => ({id: b.id, host: b.host, port: b.port}))
    const {passive, active} = spec.health
    this.passive = passive ? new PassiveHealth(backends.length, passive) : undefined
    this.active = active ? new ActiveHealth(backends.length, active.rise, active.fall) : undefined
    this.down = new Array<boolean>(backends.length).fill(false)
  }

  get size(): number {
    return this.views.length
  }

  indexOf(id: string): number {
    return this.views.findIndex((v) => v.id === id)
  }

  /** May backend `i` be chosen at `now` (epoch ms)? */
  usable(i: number, now: number): boolean {
    if (this.active && !this.active.isUp(i)) return false
    return this.passive === undefined || this.passive.available(i, now)
  }

  /** Backend `i` was chosen for an attempt. */
  picked(i: number, now: number): void {
    const probe = this.passive?.picked(i, now)
    if (probe && this.share && this.passive!.marksDown) this.share({kind: 'probe', backend: i, at: now})
  }

  attemptFailed(i: number, now: number, cause: string): void {
    if (!this.passive) return
    this.apply(i, this.passive.failed(i, now, cause))
    if (this.share && this.passive.marksDown) this.share({kind: 'failure', backend: i, at: now, cause})
  }

  attemptSucceeded(i: number): void {
    if (!this.passive) return
    // The request path: the shared-state bookkeeping only when there is state to share.
    const had = this.share !== undefined && this.passive.hasFailures(i)
    this.apply(i, this.passive.succeeded(i))
    if (had && !this.passive.hasFailures(i)) this.share({kind: 'recovery', backend: i, at: Date.now()})
  }

  checkResult(i: number, ok: boolean, cause?: string, at = Date.now()): void {
    if (this.active) this.apply(i, this.active.record(i, ok, cause), at)
  }

  /**
   * An event from elsewhere (shared state): another worker's passive event, or the primary's check. A
   * state change it causes is stamped with the event's time, so the primary can tell it for the echo of
   * the change the worker where it happened reported already.
   */
  applyShared(e: HealthEvent): void {
    if (e.backend < 0 || e.backend >= this.size) return
    if (e.kind === 'check') return this.checkResult(e.backend, e.ok, e.cause, e.at)
    if (!this.passive) return
    if (e.kind === 'failure') this.apply(e.backend, this.passive.sharedFailure(e.backend, e.at, e.cause), e.at)
    else if (e.kind === 'probe') this.passive.sharedProbe(e.backend, e.at)
    else this.apply(e.backend, this.passive.sharedRecovery(e.backend, e.at), e.at)
  }

  /** A replica was restarted (on a new address or the same one) and is ready: a new server as far as health is concerned. */
  replace(i: number, host: string, port: number): void {
    this.targets[i] = {id: this.views[i].id, host, port}
    const why = `replica back on ${host}:${port}`
    if (this.passive) this.apply(i, this.passive.reset(i, why))
    if (this.active) this.apply(i, this.active.reset(i, why))
  }

  private apply(i: number, t: HealthTransition | undefined, at = Date.now()): void {
    if (!t) return
    const down = (this.passive?.isDown(i) ?? false) || !(this.active?.isUp(i) ?? true)
    if (down === this.down[i]) return
    this.down[i] = down
    this.onState({id: this.views[i].id, state: down ? 'down' : 'up', reason: t.reason, epochMs: at})
  }
}
