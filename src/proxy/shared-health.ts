// Health state shared between the proxy's workers (balancer.workers > 1 with balancer.sharedState), as
// nginx's `zone` shares its peers' state between its workers. Node's workers share no memory, so each keeps
// its own copy and is told, through the primary, of what changed it elsewhere:
// - passive health: a worker's failed attempt, the probe it lets through after fail_timeout, and a success
//   that reset a backend's failures go to the primary, which relays them to every other worker; each one
//   counts them as its own (passive-health.ts `shared…`). So all workers count the same failures, mark a
//   backend down together when the count reaches max_fails (within the relay's latency, well under a
//   millisecond), wait for one probe, and take it back together when that probe succeeds. Events cross
//   the IPC channels, so two that happen in different workers within that latency may be applied in a
//   different order in each; the next event puts the workers back in step (a failure always counts, a
//   recovery older than a failure a worker saw is ignored). Two workers may also both let a probe
//   through within that latency, where nginx's lock lets exactly one through.
// - active health: the checks run once, in the primary (primary.ts says why), and every result goes to
//   every worker in the same order, so every worker's rise/fall counters are the same.
// Only health is shared. In-flight counts (least-connections, p2c), strategy positions (round-robin,
// peak-ewma's averages) and the retry budget stay per worker: sharing them would take a message per
// request, costing more than the proxying does.

/** One change to a backend's health, as relayed between workers (`backend` is its position in the list). */
export type HealthEvent =
  /** A worker's attempt failed at `at`; `cause` as passive health words it (`connect ECONNREFUSED`). */
  | {kind: 'failure'; backend: number; at: number; cause: string}
  /** A worker let its probe through to a backend with failures counted, at `at`. */
  | {kind: 'probe'; backend: number; at: number}
  /** A worker's request succeeded at `at` and reset the backend's failures. */
  | {kind: 'recovery'; backend: number; at: number}
  /** The primary's active check ended at `at`. */
  | {kind: 'check'; backend: number; at: number; ok: boolean; cause?: string}

/**
 * The workers (1-based) an event goes to: every worker but the one it came from (that one has applied it
 * already); all of them for the primary's own checks (`from` undefined).
 */
export function relayTargets(from: number | undefined, workers: number): number[] {
  return Array.from({length: workers}, (_, k) => k + 1).filter((w) => w !== from)
}
