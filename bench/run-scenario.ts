// One lbbench run inside the bench process, the way `lbbench run` does it: the bench process is then the
// orchestrator, which is never in the request path, so its own work does not distort the figures.

import {join} from 'node:path'
import {stringify} from 'yaml'
import type {Sample} from '../src/model/generator-messages.js'
import type {Report} from '../src/model/report.js'
import {parseScenarioText} from '../src/scenario/load.js'
import {compiled} from './compiled-cli.js'
import type {BenchContext} from './context.js'

export interface BenchRun {
  report: Report
  /** Every sample the generator sent, measured or not (with the uncorrected histograms of paced phases). */
  samples: Sample[]
}

/** Runs the scenario `doc` (the object a scenario file would hold); an aborted run is an error. */
export async function runBenchScenario(ctx: BenchContext, doc: Record<string, unknown>): Promise<BenchRun> {
  const loaded = parseScenarioText(stringify(doc), join(ctx.scratch, `${String(doc.name)}.yaml`))
  const samples: Sample[] = []
  const quiet: string[] = []
  // runScenario listens on its signal until it fires: one signal of its own per run, linked to the
  // bench's, keeps the bench's from collecting a listener per run.
  const own = new AbortController()
  const forward = () => own.abort(ctx.signal.reason)
  if (ctx.signal.aborted) forward()
  else ctx.signal.addEventListener('abort', forward, {once: true})
  const {runScenario} = await compiled<typeof import('../src/run/orchestrator.js')>('run/orchestrator')
  const {report} = await runScenario(loaded, {
    reportsDir: join(ctx.scratch, 'runs'),
    hooks: {log: (line) => quiet.push(line), onSample: (s) => samples.push(s)},
    signal: own.signal,
  }).finally(() => ctx.signal.removeEventListener('abort', forward))
  if (report.meta.aborted) throw new Error(`the run was aborted: ${report.meta.abortReason ?? 'no reason given'}`)
  return {report, samples}
}

/** A phase's summary, or an error naming what is missing. */
export function phaseOf(report: Report, phase: string): Report['summary'] {
  const s = report.phases[phase]
  if (!s) throw new Error(`the report has no phase ${phase}`)
  return s
}
