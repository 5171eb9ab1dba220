// Requests still in flight when a phase stops are cut off: sent, never answered, left out of `sent`.
// Each is counted against the second it was sent in, which its client noted when it wrote it
// (lbSentTenth, the load clock's 100 ms part): at 10,000 connections with multi-second latencies most
// of them were sent seconds before the phase ended, and taking them all off the last second made one
// second's `sent` −7,546, a report lbbench itself refuses.

import type {AcClient} from './autocannon-client.js'
import type {SecondCounts} from './second-counts.js'

/** Counts a stopping client's requests in flight as cut off, against the second and part they were sent in. */
export function countCutOff(counts: SecondCounts, client: AcClient): void {
  const inFlight = client.pipelinedRequests.size()
  if (inFlight === 0) return
  counts.cutOff += inFlight
  // autocannon keeps one request in flight per connection (no pipelining): it is the last one written.
  const sentTenth = client.lbSentTenth ?? counts.clockTenth
  const second = Math.floor(counts.clockTenth / 10)
  const sentSecond = Math.floor(sentTenth / 10)
  if (sentSecond >= second) {
    counts.tenths.cutOff[Math.max(0, Math.min(9, sentTenth - second * 10))] += inFlight
  } else {
    counts.cutOffSentBefore.set(sentSecond, (counts.cutOffSentBefore.get(sentSecond) ?? 0) + inFlight)
  }
}
