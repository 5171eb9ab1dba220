// A rolling update of the replicas' service under load, as a deploy does it: Swarm replaces every task
// with the scenario's update settings (replicas.update). The timeline gets `update-end` at the engine's
// time the update ended; the report gives the update a failover row of its own (metrics/rolling-update.ts).
import {breaksNothing, type FaultKind} from './action.js'
import {RunError} from '../model/errors.js'

export const update: FaultKind = {
  name: 'update',
  summary: "a rolling update of every replica (swarm replicas: Swarm replaces the service's tasks with replicas.update's settings)",
  needsTarget: false,
  requires: [],
  accepts: [],
  replicaKinds: ['swarm'],
  failover: breaksNothing,
  async apply(ctx) {
    if (!ctx.replicas.update) throw new RunError(`${ctx.replicas.kind} replicas cannot be updated`)
    const end = await ctx.replicas.update()
    ctx.event('update-end', end.detail, undefined, end.epochMs)
  },
}
