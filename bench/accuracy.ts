// 3. Accuracy: does lbbench report what clients saw?
// a) A replica that answers after a fixed 20 ms must be reported at p50 within 0.5 ms of 20 ms.
// b) A rate-mode run during which one of two backends is paused (SIGSTOP) for 1 s: the requests it holds
//    then, and those queued behind them, wait up to 1 s. The tail that should be reported is worked out
//    from the generator's schedule (pause-schedule.ts) and compared with three figures: the generator's
//    intended-send timing (what lbbench reports), the same responses timed from the actual write
//    (uncorrected, closed-loop style), and that uncorrected histogram corrected for coordinated omission
//    with the right interval (hdr copyCorrectedForCoordinatedOmission = recordValueWithExpectedInterval
//    for each value, with one connection's interval between requests).

import {once} from 'node:events'
import type {AddressInfo} from 'node:net'
import {performance} from 'node:perf_hooks'
import type {Sample} from '../src/model/generator-messages.js'
import {decodeHistogram, mergeEncoded, newLatencyHistogram, percentileUs, type Histogram} from '../src/metrics/histogram.js'
import {seededRandom} from '../src/model/random.js'
import type {Report} from '../src/model/report.js'
import {compiled} from './compiled-cli.js'
import type {BenchContext} from './context.js'
import {judged, tidy, tidyAll, type Figure, type Measurement} from './figures.js'
import {expectedLatencies} from './pause-schedule.js'
import {median, runRounds, type Subject} from './rounds.js'
import {runBenchScenario} from './run-scenario.js'

const fixedLatencyMs = 20
const rate = 200
const connections = 10
const pauseAtMs = 1500
const pauseMs = 1000
const percentiles: Array<[string, number]> = [
  ['p50', 50],
  ['p90', 90],
  ['p99', 99],
  ['p99.9', 99.9],
  ['max', 100],
]
/** The bench's own tolerance for "reports the tail clients saw" (issue 8 gives none): within 10%. */
const tailTolerance = 0.1

export async function accuracy(ctx: BenchContext): Promise<Measurement> {
  const started = Date.now()
  // The pause must fall well inside the measured phase whatever --quick says.
  const pauseRunMs = Math.max(4000, ctx.subjectSeconds * 1000 + 1000)
  const seconds = Math.max(2, ctx.subjectSeconds)
  let timing = ''
  const subjects: Subject[] = [
    {
      name: 'fixed-20ms',
      async measure() {
        const {report} = await runBenchScenario(ctx, {
          name: 'bench-accuracy-fixed',
          seed: 1,
          replicas: {count: 1, kind: 'cluster', app: {latency: `${fixedLatencyMs}ms`}},
          balancer: {kind: 'none'},
          load: {connections, timeout: '5s', phases: [{name: 'warmup', duration: '1s', measure: false}, {name: 'steady', duration: `${seconds}s`}]},
        })
        const l = report.summary.latencyUs
        return {p50: l.p50, p99: l.p99, expected: fixedLatencyMs * 1000, error: l.p50 - fixedLatencyMs * 1000}
      },
    },
    {
      // The same load straight from the generator to an app server whose own timing is recorded, so the
      // client's p50 can be split into what the app took and what the harness (client, loopback, the
      // machine's scheduling) added.
      name: 'fixed-20ms-paired',
      measure: () => pairedFixedLatency(seconds),
    },
    {
      name: 'pause',
      async measure() {
        const {report, samples} = await runBenchScenario(ctx, {
          name: 'bench-accuracy-pause',
          seed: 1,
          replicas: {count: 2, kind: 'cluster'},
          balancer: {kind: 'none'},
          load: {connections, rate, timeout: '5s', phases: [{name: 'steady', duration: `${pauseRunMs}ms`}]},
          faults: [{at: `${pauseAtMs}ms`, action: 'pause', target: 'r2', for: `${pauseMs}ms`}],
        })
        timing = report.meta.timing
        const measured = samples.filter((s) => s.measure)
        const uncorrected = newLatencyHistogram()
        for (const s of measured) if (s.uncorrectedHistogram) uncorrected.add(decodeHistogram(s.uncorrectedHistogram))
        const pause = pauseWindow(report)
        const serviceUs = report.backends.find((b) => b.id === 'r1')?.latencyUs.p50 ?? 200
        const expected = expectedLatencies({
          rate,
          connections,
          targets: 2,
          paused: 1,
          durationMs: pauseRunMs,
          pauseStartMs: pause.start,
          pauseEndMs: pause.end,
          serviceMs: serviceUs / 1000,
        })
        const expectedH = histogramOf(expected.intended)
        const corrected = uncorrected.totalCount ? uncorrected.copyCorrectedForCoordinatedOmission(Math.round(expected.intervalMs * 1000)) : newLatencyHistogram()
        const reported = decodeHistogram(report.summary.histogram ?? '')
        const out: Record<string, number> = {
          count: report.summary.latencyUs.count,
          expectedCount: expected.intended.length,
          uncorrectedCount: uncorrected.totalCount,
          correctedCount: corrected.totalCount,
          pauseStart: pause.start,
          pauseEnd: pause.end,
          serviceUs,
        }
        for (const [name, p] of percentiles) {
          out[`expected ${name}`] = percentileUs(expectedH, p)
          out[`reported ${name}`] = report.summary.histogram ? percentileUs(reported, p) : fromSummary(report, name)
          out[`uncorrected ${name}`] = uncorrected.totalCount ? percentileUs(uncorrected, p) : Number.NaN
          out[`corrected ${name}`] = corrected.totalCount ? percentileUs(corrected, p) : Number.NaN
        }
        return out
      },
    },
  ]
  const r = await runRounds(subjects, {rounds: ctx.rounds, log: ctx.log, signal: ctx.signal})

  const figures: Figure[] = []
  const fixed = r.subjects['fixed-20ms']
  const p50 = tidy(fixed?.median.p50)
  const err = tidy(Math.abs(fixed?.median.error ?? Number.NaN))
  figures.push(
    {name: 'fixed 20 ms replica: reported p50', value: p50, unit: 'µs', ratio: tidy(median((fixed?.values.p50 ?? []).map((v) => v / 20000))), ratioTo: 'the configured 20 ms', rounds: tidyAll(fixed?.values.p50), ...(r.failures['fixed-20ms'] ? {note: `not measured: ${r.failures['fixed-20ms']}`} : {})},
    {name: 'fixed 20 ms replica: distance of p50 from 20 ms', value: err, unit: 'µs', target: '≤ 500 µs (0.5 ms)', ...judged(err, '<=', 500, fixed?.values.error.map(Math.abs)), rounds: tidyAll(fixed?.values.error)},
    {name: 'fixed 20 ms replica: reported p99', value: tidy(fixed?.median.p99), unit: 'µs', rounds: tidyAll(fixed?.values.p99)},
  )
  const paired = r.subjects['fixed-20ms-paired']
  const pairedNote = r.failures['fixed-20ms-paired'] ? {note: `not measured: ${r.failures['fixed-20ms-paired']}`} : {}
  figures.push(
    {name: 'fixed 20 ms, paired run: client p50 (lbbench generator)', value: tidy(paired?.median.clientP50), unit: 'µs', rounds: tidyAll(paired?.values.clientP50), ...pairedNote},
    {name: 'fixed 20 ms, paired run: app p50 (the app\'s own time, request read → response written)', value: tidy(paired?.median.appP50), unit: 'µs', rounds: tidyAll(paired?.values.appP50), ...pairedNote},
    {name: 'fixed 20 ms, paired run: app error = app p50 − 20 ms', value: tidy(paired?.median.appError), unit: 'µs', rounds: tidyAll(paired?.values.appError)},
    {name: 'fixed 20 ms, paired run: harness error = client p50 − app p50', value: tidy(paired?.median.harnessError), unit: 'µs', target: '(part of the ≤ 500 µs above)', rounds: tidyAll(paired?.values.harnessError)},
  )
  const pause = r.subjects.pause
  for (const [name] of percentiles) {
    const exp = `expected ${name}`
    figures.push({name: `pause: ${exp} (from the schedule)`, value: tidy(pause?.median[exp]), unit: 'µs', rounds: tidyAll(pause?.values[exp])})
    for (const kind of ['reported', 'uncorrected', 'corrected']) {
      const key = `${kind} ${name}`
      const ratios = (pause?.values[key] ?? []).map((v, i) => v / (pause?.values[exp][i] ?? Number.NaN))
      const ratio = tidy(median(ratios))
      const isTarget = kind === 'reported' && (name === 'p99' || name === 'p99.9')
      figures.push({
        name: `pause: ${key}${kind === 'reported' ? ` (${timing || 'intended-send'} timing)` : kind === 'corrected' ? ' (CO-corrected)' : ' (timed from the actual send)'}`,
        value: tidy(pause?.median[key]),
        unit: 'µs',
        ratio,
        ratioTo: 'expected',
        ...(isTarget ? {target: `within ±${tailTolerance * 100}% of expected`, pass: ratio === null ? null : Math.abs(ratio - 1) <= tailTolerance} : {}),
        rounds: tidyAll(pause?.values[key]),
      })
    }
  }
  const counts = pause ? `requests reported ${pause.median.count}, expected from the schedule ${pause.median.expectedCount}` : 'not measured'
  return {
    name: 'accuracy',
    title: '3. Accuracy',
    figures,
    notes: [
      `Fixed latency: 1 replica answering after ${fixedLatencyMs} ms (the built-in app's precise delay, src/replicas/app/precise-delay.ts), balancer none, ${connections} connections closed-loop, ${seconds} s after a 1 s warm-up. The ratio is the reported p50 over 20 ms.`,
      `Paired run (same connections and phases): lbbench's generator process straight against the built-in app server running in the bench process (otherwise idle), which records its own time per request from the request being read to the response being written. app error = what the app itself added to 20 ms; harness error = client p50 − app p50 = the generator, loopback both ways and the wake-ups of two processes. On a loaded 2-core machine the wake-ups dominate it; the report's p50 is the sum of both errors.`,
      `Pause: 2 replicas, balancer none (connections alternate between r1 and r2), ${connections} connections at ${rate} req/s for ${pauseRunMs / 1000} s; r2 is SIGSTOPped at t = ${pauseAtMs / 1000} s for ${pauseMs / 1000} s (its actual start and end are read from the run's timeline, median ${tidy(pause?.median.pauseStart)}–${tidy(pause?.median.pauseEnd)} ms). The expected latencies are worked out from the generator's schedule (each connection sends every ${(connections * 1000) / rate} ms, one request at a time, requests on r2 wait until it resumes), with r1's measured p50 (${tidy(pause?.median.serviceUs)} µs) as the service time.`,
      `The generator's rate mode times latency from the intended send (wrk2-style); the report says meta.timing = ${timing || '(not measured)'}. "uncorrected" is the same responses timed from the actual write (the sample's uncorrectedHistogram); "corrected" is that histogram corrected for coordinated omission with the per-connection interval of ${(connections * 1000) / rate} ms (autocannon's own correction would use 1 ms). ${counts}.`,
      'Why correcting afterwards is not enough: the correction back-fills values below each long response as if the requests behind it had never been sent, but with a schedule they were sent late and recorded (with a short time from their actual write), so the corrected histogram holds both the synthetic values and the real short ones, and its middle percentiles stay low. Timing from the intended send records each request once, at the latency its client saw.',
      'Percentiles below the tail (p90) fall among the requests queued behind the pause and sent one by one after r2 resumes; the schedule model drains that queue at r1\'s p50 per request, while a process just resumed under a burst answers more slowly, so the reported p90 sits somewhat above the model.',
      `The ±${tailTolerance * 100}% tolerance on the tail is the bench's, not issue 8's; p99 lies on a steep slope (about ${Math.round((100 * (connections / 2) * (rate / connections) * (pauseMs / 1000)) / (rate * (pauseRunMs / 1000)))}% of the requests wait between 0 and 1 s), so small timing differences move it.`,
      ...Object.entries(r.failures).map(([k, why]) => `${k} could not be measured: ${why}`),
    ],
    seconds: (Date.now() - started) / 1000,
  }
}

/** Client and app-side p50 of the same requests: the generator against an app whose own timing is recorded. */
async function pairedFixedLatency(seconds: number): Promise<Record<string, number>> {
  const behaviour = {latency: {dist: 'fixed' as const, mean: fixedLatencyMs}, cpu: 0, body: 12, errorRate: 0, errorStatus: 500, hang: false}
  const {createAppServer} = await compiled<typeof import('../src/replicas/app/server.js')>('replicas/app/server')
  const {startGenerator} = await compiled<typeof import('../src/load/generator-client.js')>('load/generator-client')
  const app = createAppServer('r1', behaviour, seededRandom(1), {stampBackend: true})
  const appSide = newLatencyHistogram()
  let measuring = false
  app.server.prependListener('request', (_req, res) => {
    const start = performance.now()
    // 'prefinish' is emitted inside res.end(), as the response is handed to the socket.
    res.once('prefinish', () => {
      if (measuring) appSide.recordValue(Math.max(1, Math.round((performance.now() - start) * 1000)))
    })
  })
  app.server.listen(0, '127.0.0.1')
  await once(app.server, 'listening')
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`
  try {
    const samples = await new Promise<Sample[]>((resolve, reject) => {
      const got: Sample[] = []
      startGenerator(
        {
          targets: [url],
          phases: [
            {name: 'warmup', duration: 1000, measure: false, connections},
            {name: 'steady', duration: seconds * 1000, measure: true, connections},
          ],
          requests: [{method: 'GET', path: '/', headers: {}, weight: 1}],
          timeout: 5000,
          seed: 1,
        },
        {
          onPhaseStart: (p) => (measuring = p.measure),
          onPhaseEnd: () => (measuring = false),
          onSample: (s) => got.push(s),
          onDone: () => resolve(got),
          onError: reject,
        },
      )
    })
    const client = mergeEncoded(samples.filter((s) => s.measure).map((s) => s.histogram))
    if (client.totalCount === 0 || appSide.totalCount === 0) throw new Error('the paired run measured no responses')
    const clientP50 = percentileUs(client, 50)
    const appP50 = percentileUs(appSide, 50)
    return {clientP50, appP50, appError: appP50 - fixedLatencyMs * 1000, harnessError: clientP50 - appP50, count: client.totalCount}
  } finally {
    app.server.closeAllConnections()
    app.server.close()
  }
}

/** When r2 was actually paused and resumed, on the load clock (ms). */
function pauseWindow(report: Report): {start: number; end: number} {
  const start = report.timeline.find((e) => e.kind === 'fault' && e.target === 'r2')?.atMs
  const end = report.timeline.find((e) => e.kind === 'fault-end' && e.target === 'r2')?.atMs
  if (start === undefined || end === undefined) throw new Error('the timeline has no pause and resume of r2')
  return {start, end}
}

function histogramOf(ms: number[]): Histogram {
  const h = newLatencyHistogram()
  for (const v of ms) h.recordValue(Math.max(1, Math.round(v * 1000)))
  return h
}

function fromSummary(report: Report, name: string): number {
  const l = report.summary.latencyUs
  return name === 'p50' ? l.p50 : name === 'p90' ? l.p90 : name === 'p99' ? l.p99 : name === 'p99.9' ? l.p999 : l.max
}
