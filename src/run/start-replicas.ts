// The first step of a run: the replicas of the scenario's kind, watched for the whole run. A replica that
// exits is down (a crash, unless a fault explains it, is restarted when the scenario asks for that); one
// that is ready again goes back to the balancer. What a fault action's own command did (external
// replicas) and what an orchestrator did to a replica (swarm tasks), at its own time, go on the timeline.

import type {ReplicaInfo, ReplicaSet} from '../replicas/replica-set.js'
import {replicaKinds} from '../replicas/registry.js'
import {balancerKinds} from '../balancers/registry.js'
import {RunError} from '../model/errors.js'
import {plural} from '../model/plural.js'
import {canBind} from '../process/free-port.js'
import type {RunContext} from './context.js'

/** Makes the replica set and watches it; nothing is started yet (startReplicas does, once the load is ready). */
export async function createReplicas(run: RunContext): Promise<ReplicaSet> {
  const set = await replicaSetOf(run)
  run.replicas = set
  set.on('exit', (id, detail, planned) => {
    if (run.ending) return
    run.down.add(id)
    const byFault = planned === true || (run.faults?.explainsExit(id, run.timeline.now()) ?? false)
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
  set.on('action-result', (id, detail) => run.ending || run.event('action-result', detail, id))
  set.on('engine', (id, kind, detail, epochMs) => run.ending || run.event(kind, detail, id, epochMs))
  return set
}

/** Starts every replica and waits until they are ready (or the run stops). */
export async function startReplicas(run: RunContext, set: ReplicaSet): Promise<ReplicaInfo[]> {
  const r = run.scenario.replicas
  const kind = replicaKinds.get(r.kind)!
  if (r.count > 0) run.log(kind.startLine?.(r.count) ?? `starting ${plural(r.count, `${r.kind} replica`)}`)
  await checkFixedPorts(r.ports)
  const infos = await run.stops.race(set.start())
  await run.recordPids()
  return infos
}

/** A port the scenario fixes that another program holds: no replica of the run can listen there (exit 3). */
async function checkFixedPorts(ports: number[] | undefined): Promise<void> {
  for (const [i, port] of (ports ?? []).entries()) {
    if (!(await canBind(port))) {
      throw new RunError(`replicas.ports: port ${port} (for r${i + 1}) is in use by another program on 127.0.0.1; stop it, or fix another port there`)
    }
  }
}

/** The replica set of the scenario's kind, from the registry of kinds. */
function replicaSetOf(run: RunContext): Promise<ReplicaSet> {
  const s = run.scenario
  return replicaKinds.get(s.replicas.kind)!.create({loaded: run.loaded, runId: run.runId, runDir: run.runDir, sharedPort: balancerKinds.get(s.balancer.kind)?.sharesReplicaPort === true, log: run.log})
}
