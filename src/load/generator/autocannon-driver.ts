// Drives one phase's load with autocannon, which lbbench uses for its HTTP client, not for its
// statistics or its rate limit. Each client autocannon makes is fitted with lbbench's own parts: the
// recording listeners (recording.ts), the connection-failure accounting and backoff
// (connection-failures.ts), the intended-send schedule in a paced phase (pacing.ts), a new connection for
// every request with load.keepAlive false, or after every N with {requests: N} (fresh-connections.ts),
// or after a response that says `Connection: close` (connection-close.ts), and the weighted request
// choice (request-choice.ts). autocannon's own statistics are never read, so each client does
// without them (see trimAutocannon): its per-response listeners are removed (no stats, and every event
// has a single listener, which Node calls without copying the listener array), response bodies are not
// accumulated into strings, and a single request is not re-cloned through its context for every send.

import type {PhaseSpec} from '../../model/scenario.js'
import type {GeneratorConfig} from '../../model/generator-messages.js'
import type {AcClient, AcInstance, Autocannon} from './autocannon-client.js'
import {batchRate, rotatedTargets, startInBatches} from './client-batches.js'
import {countCutOff} from './cut-offs.js'
import {closeAwareSender} from './connection-close.js'
import {connectionFailureHooks, type ConnectionFailureHooks} from './connection-failures.js'
import {freshConnectionSender} from './fresh-connections.js'
import {takeOver} from './kept-clients.js'
import {pace, pacedSender, phaseConnections, sendSchedule} from './pacing.js'
import {recordingListeners, type RecordingListeners} from './recording.js'
import {RequestChoice} from './request-choice.js'
import type {SecondCounts} from './second-counts.js'

/** One phase's load as the driver sees it. */
export interface PhaseLoad {
  spec: PhaseSpec
  paced: boolean
  /** performance.now() at the phase's start: where a paced schedule starts (moved by scheduleOffsetMs). */
  startsAt: number
  /** One of several generators: how far into the phase its paced schedule starts, so they interleave. */
  scheduleOffsetMs?: number
  /** Every client autocannon made for the phase, filled in by start() (or kept from the phase before: keep()). */
  clients: AcClient[]
  /** How long its clients may run (ms), when a later phase may keep them (kept-clients.ts); else the phase's duration. */
  runsForMs?: number
  /** How its clients choose their requests (set by start() and keep()). */
  choice?: RequestChoice
  /** The phase that kept its clients: a batch made after the hand-over belongs to that one. */
  keptBy?: PhaseLoad
}

/** Everything lbbench puts on a client in place of autocannon's own, made once and shared by all. */
interface ClientHooks extends RecordingListeners, ConnectionFailureHooks {
  pacedRequest: (this: AcClient) => void
  /**
   * A closed-loop send (the paced sender sends through it too): on a new connection after N requests with
   * load.keepAlive false (1) or {requests: N}; otherwise only after `Connection: close`.
   */
  request: (this: AcClient) => void
}

export class AutocannonDriver {
  /** Made from the first client's prototype: the hooks wrap two of autocannon's Client methods. */
  private hooks: ClientHooks | undefined

  constructor(
    private readonly autocannon: Autocannon,
    private readonly config: GeneratorConfig,
    private readonly counts: SecondCounts,
    private readonly fail: (message: string) => void,
  ) {}

  /** Starts the phase's clients (in batches: client-batches.ts); they run until stop(). */
  start(load: PhaseLoad): AcInstance {
    const {spec} = load
    const rate = spec.rate ?? 0
    const connections = phaseConnections(spec)
    const choice = (load.choice = new RequestChoice(this.config.requests, this.config.seed, spec.name))
    const timeoutMs = this.config.timeout
    const setupClient = (client: AcClient): void => {
      // Only closed-loop phases keep clients, so `load.paced` holds for the phase that keeps them too.
      const owner = latest(load)
      const index = owner.clients.length
      const hooks = this.fit(client, load.paced, timeoutMs)
      ;(owner.choice ?? choice).setUp(client.requestIterator, index)
      if (load.paced) pace(client, sendSchedule(load.startsAt + (load.scheduleOffsetMs ?? 0), index, connections, rate), hooks.pacedRequest)
      else client._doRequest = hooks.request
      owner.clients.push(client)
    }
    // In batches (client-batches.ts), each one autocannon instance.
    return startInBatches(connections, (first, n) => {
      const opts: Record<string, unknown> = {
        url: rotatedTargets(this.config.targets, first),
        connections: n,
        // The phase is ended by our own clock; autocannon's timer only has to stay out of the way.
        duration: Math.ceil((load.runsForMs ?? spec.duration) / 1000) + 3600,
        // autocannon refuses a timeout under 1 s; fit() sets the exact one on each client.
        timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
        requests: choice.requests,
        setupClient,
      }
      // Its coordinated-omission "correction" uses a 1 ms interval whatever the rate, and it refuses the
      // option without a rate. Paced phases pass no rate to autocannon at all.
      if (rate > 0 && !load.paced) Object.assign(opts, {overallRate: batchRate(rate, first, n, connections), ignoreCoordinatedOmission: true})
      const clients = latest(load).clients
      const made = clients.length
      const instance = this.autocannon(opts, (err) => {
        if (err) this.fail(`autocannon: ${err.message}`)
      })
      for (const c of clients.slice(made)) this.trimAutocannon(c)
      return instance
    })
  }

  /** Ends a phase whose clients the next one keeps: their requests in flight are cut off from it (kept-clients.ts). */
  handOut(load: PhaseLoad): void {
    for (const c of load.clients) countCutOff(this.counts, c)
  }

  /**
   * Starts phase `to` on the clients of phase `from` (the same list: batches still to come join it), with
   * the request choice of its own phase.
   */
  keep(from: PhaseLoad, to: PhaseLoad): void {
    const choice = (to.choice = new RequestChoice(this.config.requests, this.config.seed, to.spec.name))
    to.clients = from.clients
    from.keptBy = to
    to.clients.forEach((c, index) => {
      takeOver(this.counts, c)
      choice.setUp(c.requestIterator, index)
    })
  }

  /** Stops the phase's clients at once: requests in flight are counted as cut off (cut-offs.ts), not failed. */
  stop(load: PhaseLoad, instance: AcInstance | undefined): void {
    for (const c of load.clients) {
      countCutOff(this.counts, c)
      if (c.lbTimer) clearTimeout(c.lbTimer)
      if (c.lbBackoff) clearTimeout(c.lbBackoff)
      c.lbTimer = c.lbBackoff = undefined
      c.destroy()
    }
    instance?.stop()
  }

  /** Gives a new client our fields, listeners and Client#_connect, and the exact request timeout. */
  private fit(client: AcClient, paced: boolean, timeoutMs: number): ClientHooks {
    client.timeout = timeoutMs
    client.lbBackend = client.lbCountsId = client.lbCounts = undefined
    client.lbClose = client.lbErrored = client.lbDown = false
    client.lbConnectFailures = 0
    client.lbBackoff = client.lbTimer = undefined
    client.lbPaced = paced
    client.lbUsedConn = undefined
    client.lbConnRequests = 0
    client.lbSentTenth = undefined
    // Bodies are only read by autocannon's verifyBody/expectBody/onResponse, none of which lbbench uses.
    client.pipelinedRequests.addBody = noop
    const hooks = this.hooksFor(client)
    client.on('request', hooks.onRequest)
    client.on('headers', hooks.onHeaders)
    client.on('response', hooks.onResponse)
    client.on('connError', hooks.onConnError)
    client.on('timeout', hooks.onTimeout)
    client._connect = hooks.connect
    return hooks
  }

  private hooksFor(client: AcClient): ClientHooks {
    if (!this.hooks) {
      const proto = Object.getPrototypeOf(client) as AcClient
      const limit = perConnection(this.config)
      const request = limit === undefined ? closeAwareSender(proto._doRequest) : freshConnectionSender(proto._doRequest, limit)
      this.hooks = {
        ...recordingListeners(this.counts, this.config.backendHeader),
        ...connectionFailureHooks(this.counts, proto._connect),
        pacedRequest: pacedSender(request),
        request,
      }
    }
    return this.hooks
  }

  /**
   * autocannon (lib/run.js) adds its own listeners right after constructing each client, synchronously
   * inside autocannon(): per-response statistics (counts, its own histogram, a tracker event) that lbbench
   * never reads. Removing them leaves ours as the only listener of each per-request event.
   */
  private trimAutocannon(client: AcClient): void {
    const {onRequest, onResponse} = this.hooksFor(client)
    for (const [event, ours] of [['request', onRequest], ['response', onResponse], ['reset', undefined]] as const) {
      client.removeAllListeners(event)
      if (ours) client.on(event, ours)
    }
  }
}

function noop(): void {}

/** How many requests a connection may carry before the next goes out on a new one; undefined: no limit. */
export function perConnection(config: Pick<GeneratorConfig, 'keepAlive' | 'requestsPerConnection'>): number | undefined {
  return config.keepAlive === false ? 1 : config.requestsPerConnection
}

/** The phase that has a phase's clients now: itself, or the last of the phases that kept them. */
function latest(load: PhaseLoad): PhaseLoad {
  let owner = load
  while (owner.keptBy) owner = owner.keptBy
  return owner
}
