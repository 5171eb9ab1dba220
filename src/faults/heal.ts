import type {FaultAction} from './action.js'

/** Undoes slow, fail and hang: the built-in app behaves as configured again. */
export const heal: FaultAction = {
  name: 'heal',
  async apply(ctx, _fault, targets) {
    for (const id of targets) await ctx.replicas.control(id, {reset: true})
  },
}
