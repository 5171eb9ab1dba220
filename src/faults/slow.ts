import {undoAfter, type FaultAction} from './action.js'

/** Adds `latency` to every response of the built-in app, until `for` ends or a `heal`. */
export const slow: FaultAction = {
  name: 'slow',
  async apply(ctx, fault, targets) {
    for (const id of targets) await ctx.replicas.control(id, {addLatency: fault.latency ?? 0})
    undoAfter(ctx, fault, async () => {
      for (const id of targets) await ctx.replicas.control(id, {reset: true})
      for (const id of targets) ctx.event('fault-end', 'slow ended', id)
    })
  },
}
