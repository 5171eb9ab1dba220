import {undoAfter, type FaultAction} from './action.js'

/** The built-in app answers `status` to a fraction `rate` of requests, until `for` ends or a `heal`. */
export const fail: FaultAction = {
  name: 'fail',
  async apply(ctx, fault, targets) {
    for (const id of targets) {
      await ctx.replicas.control(id, {errorRate: fault.rate ?? 1, errorStatus: fault.status ?? 503})
    }
    undoAfter(ctx, fault, async () => {
      for (const id of targets) await ctx.replicas.control(id, {reset: true})
      for (const id of targets) ctx.event('fault-end', 'fail ended', id)
    })
  },
}
