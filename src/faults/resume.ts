// SIGCONT (docker unpause): a paused replica goes on.
import {breaksNothing, onReplicas, type FaultKind} from './action.js'

export const resume: FaultKind = {
  name: 'resume',
  summary: 'SIGCONT (docker unpause): a paused replica goes on',
  ...onReplicas(),
  failover: breaksNothing,
  async apply(ctx, _fault, targets) {
    for (const id of targets) await ctx.replicas.signal(id, 'SIGCONT')
  },
}
