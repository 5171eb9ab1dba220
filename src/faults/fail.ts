// The built-in app answers `status` to a fraction `rate` of requests, until `for` ends or a `heal`.
import {describeTimed, onReplicas, undoAfter, type FaultKind} from './action.js'

const defaults = {status: 503, rate: 1}

export const fail: FaultKind = {
  name: 'fail',
  summary: 'the built-in app answers status (503) to a fraction rate (all) of requests, until for ends or a heal',
  ...onReplicas(['for', 'status', 'rate']),
  defaults,
  failover: {breaksTarget: true, endedBy: ['heal']},
  describe: (f) => describeTimed(f, `${f.status ?? defaults.status} × ${Math.round((f.rate ?? defaults.rate) * 100)}%`),
  async apply(ctx, fault, targets) {
    for (const id of targets) {
      await ctx.replicas.control(id, {errorRate: fault.rate ?? defaults.rate, errorStatus: fault.status ?? defaults.status})
    }
    undoAfter(ctx, fault, async () => {
      for (const id of targets) await ctx.replicas.control(id, {reset: true})
      for (const id of targets) ctx.event('fault-end', 'fail ended', id)
    })
  },
}
