import type {FaultAction} from './action.js'

/** SIGKILL: the replica dies at once, as in a crash; in-flight requests are lost. */
export const kill: FaultAction = {
  name: 'kill',
  async apply(ctx, _fault, targets) {
    for (const id of targets) await ctx.replicas.signal(id, 'SIGKILL')
  },
}
