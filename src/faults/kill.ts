// SIGKILL: the replica dies at once, as in a crash; in-flight requests are lost.
import {onReplicas, type FaultKind} from './action.js'

export const kill: FaultKind = {
  name: 'kill',
  summary: 'SIGKILL: the replica dies at once, as in a crash',
  ...onReplicas(),
  failover: {breaksTarget: true, endedBy: ['replica-ready']},
  stopsTarget: true,
  async apply(ctx, _fault, targets) {
    for (const id of targets) await ctx.replicas.signal(id, 'SIGKILL')
  },
}
