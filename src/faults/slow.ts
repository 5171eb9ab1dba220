// Adds `latency` to every response of the built-in app, until `for` ends or a `heal`.
import {describeTimed, onReplicas, undoAfter, type FaultKind} from './action.js'

export const slow: FaultKind = {
  name: 'slow',
  summary: 'adds latency to every response of the built-in app, until for ends or a heal',
  ...onReplicas(['for', 'latency'], ['latency']),
  why: {latency: 'a slow fault needs the latency to add, like latency: 200ms'},
  failover: {breaksTarget: true, endedBy: ['heal']},
  describe: (f) => describeTimed(f, ...(f.latency === undefined ? [] : [`+${f.latency}ms`])),
  async apply(ctx, fault, targets) {
    for (const id of targets) await ctx.replicas.control(id, {addLatency: fault.latency ?? 0})
    undoAfter(ctx, fault, async () => {
      for (const id of targets) await ctx.replicas.control(id, {reset: true})
      for (const id of targets) ctx.event('fault-end', 'slow ended', id)
    })
  },
}
