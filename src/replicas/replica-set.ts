// The ReplicaSet seam: N copies of an app, however they run (cluster workers, processes, containers).
// One file per kind implements it; kinds/ holds what each kind says of itself, registry.ts lists them.

import type {EventEmitter} from 'node:events'
import type {AppBehaviour, LoadedScenario} from '../model/scenario.js'

export interface ReplicaAddress {
  id: string
  host: string
  port: number
}

export interface ReplicaInfo extends ReplicaAddress {
  state: 'starting' | 'up' | 'paused' | 'exited'
  pid?: number
  containerId?: string
}

/**
 * A change to the built-in app's behaviour while it runs (the `slow`, `fail`, `hang`, `heal` faults).
 * `slow` = `{addLatency: ms}` (added on top of the replica's own latency draw) or a replaced `latency`; `fail` =
 * `{errorRate, errorStatus}`; `hang` = `{hang: true}`; `heal` = `{reset: true}` (back to the configured
 * behaviour: no added latency, no hang, configured error rate). Other fields apply after `reset`.
 */
export type BehaviourChange = Partial<AppBehaviour> & {reset?: boolean; addLatency?: number}

export interface ReplicaSetEvents {
  /**
   * A replica's process or container ended, with or without a fault. `planned`: its orchestrator ended
   * it on purpose (a swarm task retired by a rolling update or a scale-in), so it is no crash.
   */
  exit: [id: string, detail: string, planned?: boolean]
  /** A replica (re)started and answers its readiness probe. */
  ready: [info: ReplicaInfo]
  /** What an orchestrator did to a replica (a swarm task's die, create, start, health), at the engine's own time. */
  engine: [id: string, kind: string, detail: string, epochMs: number]
  /** A command the scenario gives for a fault action ran (external replicas): what it was, its exit and output. */
  'action-result': [id: string, detail: string]
}

export interface ReplicaSetOptions {
  loaded: LoadedScenario
  runId: string
  /** The run's private folder (0700): logs, state, generated files. */
  runDir: string
  /** Share one port between cluster workers (the `cluster` balancer) instead of one port each. */
  sharedPort?: boolean
  /** Lets a replica set refuse the run: `log` goes to the progress output. */
  log: (line: string) => void
}

export interface ReplicaSet extends EventEmitter<ReplicaSetEvents> {
  readonly kind: string
  /** Starts every replica and resolves once all are ready (RunError, exit 3, when one is not in time). */
  start(): Promise<ReplicaInfo[]>
  list(): ReplicaInfo[]
  /** Process ids to count as "ours" (for cleanup checks and CPU sampling). */
  pids(): number[]
  /** A signal to the replica (a process group, a container): SIGKILL, SIGTERM, SIGSTOP, SIGCONT. */
  signal(id: string, signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void>
  /** Starts a replica that has exited again, under the same id; resolves once it is ready. */
  restart(id: string): Promise<ReplicaInfo>
  /** restart() restarts a live replica by itself (an external system's own restart command): the restart fault does not stop it first. */
  readonly restartsLive?: true
  /** Changes the built-in app's behaviour; throws for apps that have no control channel. */
  control(id: string, change: BehaviourChange): Promise<void>
  /** Rolls every replica over as the kind's orchestrator does (swarm: a forced rolling update); resolves when it has ended, with what ended it. */
  update?(): Promise<{epochMs: number; detail: string}>
  /** Changes how many replicas run (swarm: the service's replica count); new ones come as `ready` events. */
  scale?(count: number): Promise<void>
  /** Stops every replica. Safe to call more than once and from any state. */
  stop(): Promise<void>
}
