import {undoAfter, type FaultAction} from './action.js'

/** SIGSTOP (docker pause): the replica still holds its connections but answers nothing; resumed after `for`. */
export const pause: FaultAction = {
  name: 'pause',
  async apply(ctx, fault, targets) {
    for (const id of targets) await ctx.replicas.signal(id, 'SIGSTOP')
    undoAfter(ctx, fault, async () => {
      for (const id of targets) await ctx.replicas.signal(id, 'SIGCONT')
      for (const id of targets) ctx.event('fault-end', 'resumed', id)
    })
  },
}
