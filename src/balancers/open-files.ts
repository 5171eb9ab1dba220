// How many connections and file descriptors a balancer lbbench configures is given, from the scenario's
// connection count and the machine's hard limit on open files (`ulimit -Hn`). A proxy holds two sockets
// per connection with a request in flight (the client's and the backend's), so 10,000 connections need
// about 20,000 descriptors in one process; fixed sizes (nginx 8,192 worker connections, HAProxy maxconn
// 4,096) queued or refused connections well below the scenario limit of 10,000.
import type {Scenario} from '../model/scenario.js'

/** Descriptors a balancer needs besides its client and backend sockets: listeners, logs, idle keep-alive and health-check sockets. */
const HEADROOM = 256

/** The most connections a phase of the scenario opens at once. */
export const peakConnections = (s: Scenario): number => Math.max(0, ...s.load.phases.map((p) => p.connections))

/** Processes that share a balancer's connections, each with its own descriptors (nginx runs one worker, HAProxy's threads share one process). */
const processesOf = (s: Scenario): number => (s.balancer.kind === 'builtin' ? Math.max(1, s.balancer.workers) : 1)

/** Descriptors one balancer process needs for the scenario: two per connection (its share), plus headroom. */
export function openFilesNeeded(s: Scenario, backends: number): number {
  return 2 * Math.ceil(peakConnections(s) / processesOf(s)) + HEADROOM + backends
}

/**
 * nginx's `worker_connections` counts client and upstream connections alike, and each needs a descriptor
 * under `worker_rlimit_nofile`. Never below the sizes lbbench used before (8,192 and 16,384); never above
 * the hard limit, which nginx cannot raise without privileges (it would only log an alert).
 */
export function nginxOpenFiles(s: Scenario, backends: number, hardLimit?: number): {workerConnections: number; rlimitNofile: number} {
  const workerConnections = Math.max(8192, openFilesNeeded(s, backends))
  const rlimitNofile = Math.min(Math.max(16_384, workerConnections + 64), hardLimit ?? Infinity)
  return {workerConnections: Math.min(workerConnections, rlimitNofile - 64), rlimitNofile}
}

/**
 * HAProxy's global `maxconn` counts client connections; HAProxy reserves two descriptors for each (one for
 * its server side) and refuses to start ("Cannot raise FD limit") when that is above the hard limit, so it
 * is capped to what the limit holds. Never below the 4,096 lbbench used before, unless the limit is lower.
 */
export function haproxyMaxconn(s: Scenario, backends: number, hardLimit?: number): number {
  const wanted = Math.max(4096, peakConnections(s) + HEADROOM)
  const fits = hardLimit === undefined ? Infinity : Math.floor((hardLimit - HEADROOM - backends) / 2)
  return Math.max(1, Math.min(wanted, fits))
}

/** Balancer kinds whose one process holds a client and a backend socket per connection. */
const proxies = new Set(['builtin', 'nginx', 'haproxy'])

/**
 * A note to show before the run when the balancer cannot hold every connection under the hard limit on
 * open files: past it, connections are queued (HAProxy) or refused (nginx, the built-in proxy: counted as
 * failed requests). The run goes on: the limit belongs to the machine, not to the scenario file.
 */
export function openFilesShortfall(s: Scenario, hardLimit: number | undefined): string | undefined {
  if (hardLimit === undefined || !proxies.has(s.balancer.kind)) return undefined
  const needed = openFilesNeeded(s, s.replicas.count)
  if (needed <= hardLimit) return undefined
  const holds = Math.max(0, Math.floor((hardLimit - HEADROOM - s.replicas.count) / 2) * processesOf(s))
  return (
    `load.connections ${peakConnections(s)} needs about ${needed} open files in the ${s.balancer.kind} balancer (2 per connection), ` +
    `but \`ulimit -n\` allows at most ${hardLimit} (the hard limit, \`ulimit -Hn\`): about ${holds} connections fit; ` +
    `the others are ${s.balancer.kind === 'haproxy' ? 'queued' : 'refused or fail'}. Raise the hard limit (e.g. \`ulimit -Hn ${needed}\` as root, or LimitNOFILE) or use fewer connections`
  )
}
