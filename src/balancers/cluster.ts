// The `cluster` balancer: Node's cluster module itself. The replicas are cluster workers sharing one port
// owned by the cluster primary, which hands out connections (`schedulingPolicy: rr`) or lets the workers
// race to accept them (`none`). The orchestrator creates the replica set with `sharedPort: true` for this
// kind and passes it in BalancerOptions.replicaSet; the primary process is this balancer's process.
// Cluster balances connections, not requests, so stats() reports both per backend.

import {EventEmitter} from 'node:events'
import {RunError} from '../model/errors.js'
import type {ClusterReplicaSet} from '../replicas/cluster.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import type {Balancer, BalancerEvents, BalancerOptions, BalancerStats} from './balancer.js'

function isSharedCluster(rs: unknown): rs is ClusterReplicaSet {
  return !!rs && typeof (rs as ClusterReplicaSet).sharedAddress === 'function' && typeof (rs as ClusterReplicaSet).counts === 'function'
}

export class ClusterBalancer extends EventEmitter<BalancerEvents> implements Balancer {
  readonly kind = 'cluster'
  private readonly replicas: ClusterReplicaSet | undefined
  private stopped = false

  constructor(private readonly opts: BalancerOptions) {
    super()
    this.replicas = isSharedCluster(opts.replicaSet) ? opts.replicaSet : undefined
  }

  async start(_backends: ReplicaAddress[]): Promise<string[]> {
    const address = this.replicas?.sharedAddress()
    if (!this.replicas || !address) {
      throw new RunError('balancer.kind: cluster needs replicas.kind: cluster started with one shared port (the cluster primary balances between its workers)')
    }
    this.replicas.onPrimaryExited((detail) => {
      if (!this.stopped) this.emit('exit', `the cluster primary ${detail}`)
    })
    return [`http://${address.host}:${address.port}`]
  }

  /** The workers share one port: a restarted worker joins it again by itself. */
  async updateBackend(_backend: ReplicaAddress): Promise<void> {}

  async stats(): Promise<BalancerStats> {
    const {connections, requests} = this.replicas ? await this.replicas.counts() : {connections: {}, requests: {}}
    return {attempts: {...requests}, retries: 0, failedAttempts: {}, noBackend: 0, connections, requests}
  }

  pids(): number[] {
    const pid = this.replicas?.primaryPid()
    return pid ? [pid] : []
  }

  async version(): Promise<string | undefined> {
    return `node/${process.versions.node} cluster (${this.opts.loaded.scenario.balancer.schedulingPolicy ?? 'rr'})`
  }

  /** The replica set owns the primary and stops it. */
  async stop(): Promise<void> {
    this.stopped = true
  }
}
