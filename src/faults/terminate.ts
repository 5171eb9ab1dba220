import type {FaultAction} from './action.js'

/** SIGTERM: the replica stops accepting, drains its in-flight requests and exits. */
export const terminate: FaultAction = {
  name: 'terminate',
  async apply(ctx, _fault, targets) {
    for (const id of targets) await ctx.replicas.signal(id, 'SIGTERM')
  },
}
