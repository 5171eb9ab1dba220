// SIGSTOP (docker pause): the replica still holds its connections but answers nothing; resumed after `for`.
import {onReplicas, undoAfter, type FaultKind} from './action.js'

export const pause: FaultKind = {
  name: 'pause',
  summary: 'SIGSTOP (docker pause): the replica holds its connections and answers nothing, until for ends or a resume',
  ...onReplicas(['for']),
  failover: {breaksTarget: true, endedBy: ['resume']},
  async apply(ctx, fault, targets) {
    for (const id of targets) await ctx.replicas.signal(id, 'SIGSTOP')
    undoAfter(ctx, fault, async () => {
      for (const id of targets) await ctx.replicas.signal(id, 'SIGCONT')
      for (const id of targets) ctx.event('fault-end', 'resumed', id)
    })
  },
}
