// SIGTERM: the replica stops accepting, drains its in-flight requests and exits.
import {onReplicas, type FaultKind} from './action.js'

export const terminate: FaultKind = {
  name: 'terminate',
  summary: 'SIGTERM: the replica drains its in-flight requests and exits',
  ...onReplicas(),
  failover: {breaksTarget: true, endedBy: ['replica-ready']},
  stopsTarget: true,
  async apply(ctx, _fault, targets) {
    for (const id of targets) await ctx.replicas.signal(id, 'SIGTERM')
  },
}
