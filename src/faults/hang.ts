import {undoAfter, type FaultAction} from './action.js'

/** The built-in app accepts requests and never answers them, until `for` ends or a `heal`. */
export const hang: FaultAction = {
  name: 'hang',
  async apply(ctx, fault, targets) {
    for (const id of targets) await ctx.replicas.control(id, {hang: true})
    undoAfter(ctx, fault, async () => {
      for (const id of targets) await ctx.replicas.control(id, {reset: true})
      for (const id of targets) ctx.event('fault-end', 'hang ended', id)
    })
  },
}
