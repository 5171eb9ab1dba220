// The built-in app accepts requests and never answers them, until `for` ends or a `heal`.
import {onReplicas, undoAfter, type FaultKind} from './action.js'

export const hang: FaultKind = {
  name: 'hang',
  summary: 'the built-in app accepts requests and never answers them, until for ends or a heal',
  ...onReplicas(['for']),
  failover: {breaksTarget: true, endedBy: ['heal']},
  async apply(ctx, fault, targets) {
    for (const id of targets) await ctx.replicas.control(id, {hang: true})
    undoAfter(ctx, fault, async () => {
      for (const id of targets) await ctx.replicas.control(id, {reset: true})
      for (const id of targets) ctx.event('fault-end', 'hang ended', id)
    })
  },
}
