// A phase that follows one with the same connections keeps that phase's clients and their open
// connections, as k6 keeps its VUs' connections from one stage to the next. Opening them again cost a
// ramp at the start of every phase: at 10,000 connections through the built-in proxy or the cluster
// primary, the measured phase after a warm-up spent most of its first seconds closing the warm-up's
// connections and connecting (and, for the cluster, passing each accepted handle to a worker) instead
// of answering. Only closed-loop phases keep clients: a rate is built into each client (the paced
// schedule, or autocannon's own rate per instance), so a phase with one starts its own.
//
// The requests in flight at the boundary move to the new phase: the old one leaves them out as cut off
// (so its `sent` never counts a request it cannot see answered), and the new one counts them as sent
// in its first part, where their answers, failures or cut-offs will be counted.

import type {PhaseSpec} from '../../model/scenario.js'
import type {AcClient} from './autocannon-client.js'
import {phaseConnections} from './pacing.js'
import type {SecondCounts} from './second-counts.js'

const closedLoop = (spec: PhaseSpec): boolean => !(spec.rate !== undefined && spec.rate > 0)

/** Whether phase `next` keeps the clients (and connections) of phase `previous`, which it follows. */
export function keepsClients(previous: PhaseSpec, next: PhaseSpec): boolean {
  return closedLoop(previous) && closedLoop(next) && phaseConnections(previous) === phaseConnections(next)
}

/**
 * The new phase's side of the hand-over (its clock part already set; the old one counted the requests
 * in flight as cut off, cut-offs.ts): the same requests are sent in its first part.
 */
export function takeOver(counts: SecondCounts, client: AcClient): void {
  const inFlight = client.pipelinedRequests.size()
  if (inFlight === 0) return
  counts.sent += inFlight
  counts.tenths.sent[counts.tenth] += inFlight
  client.lbSentTenth = counts.clockTenth
}
