// No balancer: the load goes straight to the replicas. The generator spreads its connections over every
// replica's URL, so each replica gets a fixed share of connections (not of requests): a slow replica
// gets fewer requests, and nothing routes around a dead one.
//
// While a replica is down, its share of the connections fails (refused connects, as fast as the
// generator retries them): nothing routes around it. Cluster workers and process replicas restart on
// their old port, so those connections reach it again once it is back.
// Limitation: autocannon cannot change its target URLs during a run. A replica that comes back on
// another port (its old one was taken meanwhile, or a kind that cannot keep it) is recorded here, but
// the running generator keeps sending that replica's share of connections to the old, closed port: for
// the rest of the run `none` loses that replica and those connections keep failing.

import {EventEmitter} from 'node:events'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import type {Balancer, BalancerEvents, BalancerOptions, BalancerStats} from './balancer.js'

export class NoBalancer extends EventEmitter<BalancerEvents> implements Balancer {
  readonly kind = 'none'
  private readonly urls = new Map<string, string>()

  constructor(private readonly opts: BalancerOptions) {
    super()
  }

  async start(backends: ReplicaAddress[]): Promise<string[]> {
    for (const b of backends) this.urls.set(b.id, url(b))
    return [...this.urls.values()]
  }

  async updateBackend(backend: ReplicaAddress): Promise<void> {
    const before = this.urls.get(backend.id)
    const now = url(backend)
    this.urls.set(backend.id, now)
    if (before !== undefined && before !== now) {
      this.opts.log(`balancer none: ${backend.id} is back on ${now}, but the load generator cannot switch URLs mid-run; its connections stay on ${before}`)
    }
  }

  /** Where each replica is now (after restarts), by id. */
  targets(): Record<string, string> {
    return Object.fromEntries(this.urls)
  }

  async stats(): Promise<BalancerStats> {
    // Nothing sits in the path to count attempts; the generator's own counts are the only ones.
    return {attempts: {}, retries: 0, failedAttempts: {}, noBackend: 0}
  }

  pids(): number[] {
    return []
  }

  async version(): Promise<string | undefined> {
    return 'none (direct)'
  }

  async stop(): Promise<void> {}
}

function url(b: ReplicaAddress): string {
  // IPv6 loopback needs brackets in a URL.
  return b.host.includes(':') ? `http://[${b.host}]:${b.port}` : `http://${b.host}:${b.port}`
}
