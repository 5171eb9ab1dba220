import type {FaultAction} from './action.js'

/** SIGCONT (docker unpause): a paused replica goes on. */
export const resume: FaultAction = {
  name: 'resume',
  async apply(ctx, _fault, targets) {
    for (const id of targets) await ctx.replicas.signal(id, 'SIGCONT')
  },
}
