// The replicas' service scaled out or in under load (swarm: its replica count). New slots come up as
// backends the balancer already lists; a slot Swarm retires is down until a later scale-out fills it.
import {breaksNothing, type FaultKind} from './action.js'
import {RunError} from '../model/errors.js'

export const scale: FaultKind = {
  name: 'scale',
  summary: "changes how many replicas run (swarm replicas: the service's replica count), out or in",
  needsTarget: false,
  requires: ['replicas'],
  accepts: ['replicas'],
  replicaKinds: ['swarm'],
  why: {replicas: 'a scale fault needs the new replica count, like replicas: 4'},
  failover: breaksNothing,
  describe: (fault) => `scale to ${fault.replicas} replicas`,
  async apply(ctx, fault) {
    if (!ctx.replicas.scale) throw new RunError(`${ctx.replicas.kind} replicas cannot be scaled`)
    await ctx.replicas.scale(fault.replicas!)
  },
}
