// The first step of a run: the replicas of the scenario's kind, watched for the whole run. A replica that
// exits is down (a crash, unless a fault explains it, is restarted when the scenario asks for that); one
// that is ready again goes back to the balancer.

import type {ReplicaInfo, ReplicaSet} from '../replicas/replica-set.js'
import {replicaKinds} from '../replicas/registry.js'
import {balancerKinds} from '../balancers/registry.js'
import {plural} from '../model/plural.js'
import type {RunContext} from './context.js'

/** Makes the replica set and watches it; nothing is started yet (startReplicas does, once the load is ready). */
export async function createReplicas(run: RunContext): Promise<ReplicaSet> {
  const set = await replicaSetOf(run)
  run.replicas = set
  set.on('exit', (id, detail) => {
    if (run.ending) return
    run.down.add(id)
    const byFault = run.faults?.explainsExit(id, run.timeline.now()) ?? false
    run.event(byFault ? 'replica-exit' : 'replica-crash', detail, id)
    if (!byFault && run.scenario.replicas.restart === 'on-failure' && run.timeline.t0 !== undefined) {
      set.restart(id).catch((e: Error) => run.ending || run.event('restart-failed', e.message, id))
    }
  })
  set.on('ready', (info) => {
    if (run.ending) return
    run.down.delete(info.id)
    run.event('replica-ready', `on port ${info.port}`, info.id)
    run.balancer?.updateBackend(info).catch((e: Error) => run.event('balancer-error', e.message, info.id))
  })
  return set
}

/** Starts every replica and waits until they are ready (or the run stops). */
export async function startReplicas(run: RunContext, set: ReplicaSet): Promise<ReplicaInfo[]> {
  run.log(`starting ${plural(run.scenario.replicas.count, `${run.scenario.replicas.kind} replica`)}`)
  const infos = await run.stops.race(set.start())
  await run.recordPids()
  return infos
}

/** The replica set of the scenario's kind, from the registry of kinds. */
function replicaSetOf(run: RunContext): Promise<ReplicaSet> {
  const s = run.scenario
  return replicaKinds.get(s.replicas.kind)!.create({loaded: run.loaded, runId: run.runId, runDir: run.runDir, sharedPort: balancerKinds.get(s.balancer.kind)?.sharesReplicaPort === true, log: run.log})
}
