// Undoes slow, fail and hang: the built-in app behaves as configured again.
import {breaksNothing, onReplicas, type FaultKind} from './action.js'

export const heal: FaultKind = {
  name: 'heal',
  summary: 'undoes slow, fail and hang: the built-in app behaves as configured again',
  ...onReplicas(),
  failover: breaksNothing,
  async apply(ctx, _fault, targets) {
    for (const id of targets) await ctx.replicas.control(id, {reset: true})
  },
}
