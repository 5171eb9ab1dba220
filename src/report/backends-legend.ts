// What the Backends table's columns count, said under the table in every format: requests and attempts
// come from two processes (the clients and the balancer) and need not be equal, and a reader who sees
// 19,183 requests beside 19,114 attempts must be able to tell whether that is a fault.

import type {Report} from '../model/report.js'

/** One line under the Backends table, or undefined when the table has only the clients' columns. */
export function backendsLegend(r: Report): string | undefined {
  if (!r.backends.some((b) => b.attempts !== undefined)) return undefined
  const requests = 'requests: answers the clients got in the measured time'
  if (r.scenario.balancer.kind === 'cluster') return `${requests} · attempts: requests each worker counted itself, over the whole run (warm-up included)`
  if (r.scenario.balancer.mode === 'tcp') {
    return (
      `${requests} (the replicas' own stamp) · attempts: connects the balancer started to it in the measured time, failed ones ` +
      'included (mode tcp balances connections, so a keep-alive client makes few) · connections and bytes: what it forwarded over the whole run'
    )
  }
  return (
    `${requests} · attempts: tries the balancer started in it, retries included. Attempts exceed requests by tries that ` +
    'failed and were tried again and by requests never answered (cut off when the load stopped, or timed out); ' +
    '± a few next to a warm-up, as the balancer counts in 100 ms steps.'
  )
}
