// A balancer lbbench did not start (kinds/external.ts says what a scenario gives for it). Nothing is
// started, configured or stopped: start() checks that something answers at its URL and hands that URL to
// the load. At an https:// url it must also serve a certificate the system trusts for its address, unless
// the scenario says `insecure: true`. It counts nothing itself, so the report's per-backend figures are
// the responses' own, read from the header the balancer adds.
import {EventEmitter} from 'node:events'
import {RunError} from '../model/errors.js'
import type {BalancerSpec} from '../model/scenario.js'
import {probeTls, UntrustedCertificateError} from '../process/tls-probe.js'
import {waitForHttp} from '../process/wait-http.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import type {Balancer, BalancerEvents, BalancerOptions, BalancerStats} from './balancer.js'

/** How long the balancer has to answer before the run is called off: it is already running, or should be. */
const ANSWER_MS = 5_000

export class ExternalBalancer extends EventEmitter<BalancerEvents> implements Balancer {
  readonly kind = 'external'
  private readonly spec: BalancerSpec

  constructor(opts: BalancerOptions) {
    super()
    this.spec = opts.loaded.scenario.balancer
  }

  async start(_backends: ReplicaAddress[]): Promise<string[]> {
    const url = this.spec.url
    if (url === undefined) throw new RunError('balancer.url is missing: an external balancer is reached at its URL')
    if (!(await waitForHttp(url, ANSWER_MS))) {
      throw new RunError(`nothing answered at ${url} within ${ANSWER_MS / 1000} s: lbbench does not start an external balancer, so start it before the run`)
    }
    if (url.startsWith('https:') && !this.spec.insecure) await this.checkTrusted(url)
    return [url]
  }

  /** The certificate at `url` must be one this system trusts, valid for its address; else the run stops before the load, saying how to accept it. */
  private async checkTrusted(url: string): Promise<void> {
    try {
      await probeTls(url, {trust: 'system'})
    } catch (e) {
      if (!(e instanceof UntrustedCertificateError)) throw e
      throw new RunError(
        `the certificate at ${url} is not trusted: ${e.reason}. A self-signed or test certificate is accepted with balancer.insecure: true (lbbench then checks no certificate there)`,
      )
    }
  }

  /** Its own configuration says where its backends are; a replica back on another port is not lbbench's to tell it. */
  async updateBackend(_backend: ReplicaAddress): Promise<void> {}

  async stats(): Promise<BalancerStats> {
    return {attempts: {}, retries: 0, failedAttempts: {}, noBackend: 0}
  }

  /** None: its processes are not lbbench's to sample or clean up. */
  pids(): number[] {
    return []
  }

  async version(): Promise<string | undefined> {
    return `external (${this.spec.url})`
  }

  async stop(): Promise<void> {}
}
