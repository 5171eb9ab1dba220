// Replicas lbbench did not start (kinds/external.ts says what a scenario gives for them). Each address is
// probed until ready before the load starts; nothing is ever started or stopped here. A fault action runs
// the command the scenario gives for it through the shell, in the scenario file's folder, with $REPLICA
// (r2), $REPLICA_INDEX (2) and $ADDRESS (127.0.0.1:9002) set; its exit and output go on the timeline. A
// kill or terminate whose command succeeded counts as the replica's exit, and a restart as its start
// again, ready once its address answers the probe.
import {EventEmitter} from 'node:events'
import {dirname} from 'node:path'
import {RunError} from '../model/errors.js'
import type {ExternalAction, ReplicasSpec} from '../model/scenario.js'
import {formatAddress, parseLoopbackAddress} from '../process/loopback-address.js'
import {describeOutcome, runShellCommand} from '../process/shell-command.js'
import {waitUntilReady} from './readiness.js'
import type {BehaviourChange, ReplicaInfo, ReplicaSet, ReplicaSetEvents, ReplicaSetOptions} from './replica-set.js'

type Signal = Parameters<ReplicaSet['signal']>[1]

const actionOf: Record<Signal, ExternalAction> = {SIGKILL: 'kill', SIGTERM: 'terminate', SIGSTOP: 'pause', SIGCONT: 'resume'}
/** What a replica is once the command of an action succeeded. */
const stateAfter: Record<Exclude<ExternalAction, 'restart'>, ReplicaInfo['state']> = {kill: 'exited', terminate: 'exited', pause: 'paused', resume: 'up'}

export class ExternalReplicaSet extends EventEmitter<ReplicaSetEvents> implements ReplicaSet {
  readonly kind = 'external'
  readonly restartsLive = true
  private readonly spec: ReplicasSpec
  private readonly infos: ReplicaInfo[]
  /** Commands run in the scenario file's folder, as `exec` faults do. */
  private readonly cwd: string
  private stopping = false

  constructor(opts: ReplicaSetOptions) {
    super()
    this.spec = opts.loaded.scenario.replicas
    this.cwd = dirname(opts.loaded.file)
    this.infos = (this.spec.addresses ?? []).map((text, i): ReplicaInfo => {
      const address = parseLoopbackAddress(text)
      // Validation has refused such a file already; a scenario built in code gets the same words.
      if ('error' in address) throw new RunError(`replicas.addresses.${i}: ${address.error}`)
      return {id: `r${i + 1}`, ...address, state: 'starting'}
    })
  }

  async start(): Promise<ReplicaInfo[]> {
    const results = await Promise.allSettled(this.infos.map((info) => this.untilReady(info)))
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`  ${this.infos[i].id} at ${formatAddress(this.infos[i])}: ${(r.reason as Error).message}`] : []))
    if (failed.length) {
      throw new RunError(`external replicas are not ready (lbbench does not start them: start them before the run):\n${failed.join('\n')}`)
    }
    for (const info of this.infos) {
      info.state = 'up'
      this.emit('ready', {...info})
    }
    return this.list()
  }

  list(): ReplicaInfo[] {
    return this.infos.map((i) => ({...i}))
  }

  /** None: no process of an external replica is lbbench's to sample or clean up. */
  pids(): number[] {
    return []
  }

  async signal(id: string, signal: Signal): Promise<void> {
    const action = actionOf[signal]
    const info = this.info(id)
    await this.runAction(action, info)
    info.state = stateAfter[action as Exclude<ExternalAction, 'restart'>]
    if (info.state === 'exited' && !this.stopping) this.emit('exit', id, `down after its ${action} command`)
  }

  async restart(id: string): Promise<ReplicaInfo> {
    const info = this.info(id)
    await this.runAction('restart', info)
    info.state = 'starting'
    await this.untilReady(info)
    info.state = 'up'
    if (!this.stopping) this.emit('ready', {...info})
    return {...info}
  }

  async control(id: string, _change: BehaviourChange): Promise<void> {
    throw new RunError(`replica ${id} is external: it has no control channel for slow, fail or hang faults (lbbench did not start it)`)
  }

  /** Nothing to stop: the system stays as it is. Waits and commands still going are no longer reported. */
  async stop(): Promise<void> {
    this.stopping = true
  }

  private info(id: string): ReplicaInfo {
    const info = this.infos.find((i) => i.id === id)
    if (!info) throw new RunError(`no replica named ${id} (replicas are ${this.infos.map((i) => i.id).join(', ') || 'none'})`)
    return info
  }

  /** Runs the action's command for one replica; its outcome goes on the timeline, and a failure is thrown. */
  private async runAction(action: ExternalAction, info: ReplicaInfo): Promise<void> {
    const command = this.spec.actions?.[action]
    if (command === undefined) throw new RunError(`replicas.actions has no ${action} command`)
    // Without the run's id: what the command starts (the system's own processes) is not the run's, and
    // `lbbench clean` must never take it for a leftover.
    const {LBBENCH_RUN_ID: _runId, ...inherited} = process.env
    const env = {...inherited, ...this.spec.env, REPLICA: info.id, REPLICA_INDEX: info.id.slice(1), ADDRESS: formatAddress(info)}
    const outcome = await runShellCommand(command, {cwd: this.cwd, env})
    if (!this.stopping) this.emit('action-result', info.id, `${action}: ${describeOutcome(outcome)}`)
    if (outcome.code !== 0) throw new Error(`its ${action} command did not succeed (exit ${outcome.code})`)
  }

  private untilReady(info: ReplicaInfo): Promise<void> {
    const {path, timeout} = this.spec.ready
    return waitUntilReady({host: info.host, port: info.port, path, timeoutMs: timeout, gone: () => (this.stopping ? 'the run is stopping' : undefined)})
  }
}
