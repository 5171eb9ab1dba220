// What `lbbench run` does, apart from parsing its flags: load the scenario, run it with progress on
// stderr, write the report files, print the report, and decide the exit code.

import {checkBaselineScenario, compareWithBaseline, parseTolerance, withBaseline} from '../metrics/baseline.js'
import {UsageError} from '../model/errors.js'
import type {Report} from '../model/report.js'
import {decideColor} from '../report/color.js'
import {loadDocument} from '../report/load-document.js'
import {parseFormats} from '../report/render-document.js'
import {RunNotCarriedOut, runScenario} from '../run/orchestrator.js'
import {loadScenario} from '../scenario/load.js'
import {deliverDocument} from './deliver-document.js'
import {runExitCode} from './exit-code.js'
import {onInterrupt} from './interrupt.js'
import {progressHooks} from './progress-hooks.js'
import {createProgress} from './progress.js'
import {parseTimeScale, withTimeScale} from './time-scale-flag.js'

export interface RunCommandOptions {
  file: string
  json: boolean
  formats: string
  out: string
  color?: boolean
  timeScale?: string
  printConfig: boolean
  strict: boolean
  /** A saved report.json to compare with; a regression beyond tolerance and noise is exit 1. */
  baseline?: string
  /** `10%` (default) or a fraction. */
  tolerance?: string
  /** Compare with a baseline made from another scenario. */
  force?: boolean
}

export async function runCommand(o: RunCommandOptions): Promise<number> {
  checkBaselineFlags(o)
  const formats = parseFormats(o.formats)
  const loaded = withTimeScale(await loadScenario(o.file), parseTimeScale(o.timeScale))
  // Everything about the baseline that can be wrong is found before anything starts.
  const baseline = o.baseline === undefined ? undefined : await loadBaseline(o, loaded.hash)
  const color = decideColor({flag: o.color, env: process.env, isTTY: process.stdout.isTTY})
  const progress = createProgress(process.stderr, {isTTY: process.stderr.isTTY === true})
  const interrupt = onInterrupt((line) => progress.note(line))
  const deliver = (report: Report, runDir: string) => deliverDocument(report, runDir, {formats, json: o.json, color, label: 'report'})
  try {
    const outcome = await runScenario(loaded, {
      reportsDir: o.out,
      signal: interrupt.signal,
      hooks: progressHooks(progress, {
        onBalancerConfig: o.printConfig ? (text) => process.stderr.write(`${text}\n`) : undefined,
      }),
    })
    progress.done()
    const report = baseline && !outcome.report.meta.aborted
      ? withBaseline(outcome.report, compareWithBaseline(outcome.report, baseline.report, {
        file: o.baseline!,
        tolerance: baseline.tolerance,
        forced: baseline.warning !== undefined,
        warnings: baseline.warning ? [baseline.warning] : [],
      }))
      : outcome.report
    for (const w of report.baseline?.warnings ?? []) process.stderr.write(`warning: ${w}\n`)
    await deliver(report, outcome.runDir)
    if (outcome.failure) throw outcome.failure
    return runExitCode({report, signalExit: report.meta.aborted ? interrupt.exitCode() : undefined, strict: o.strict})
  } catch (error) {
    // A run that could not be carried out still leaves its report (marked not run, with the error); the
    // error itself is the last thing said, so a CI log ends with why.
    if (error instanceof RunNotCarriedOut) {
      progress.done()
      await deliver(error.report, error.runDir).catch((e: Error) => process.stderr.write(`${e.message}\n`))
    }
    throw error
  } finally {
    interrupt.dispose()
  }
}

export async function loadBaseline(o: Pick<RunCommandOptions, 'baseline' | 'tolerance' | 'force'>, hash: string): Promise<{report: Report; tolerance: number; warning?: string}> {
  const tolerance = parseTolerance(o.tolerance)
  const doc = await loadDocument(o.baseline!).catch((e: unknown) => {
    throw e instanceof UsageError ? new UsageError(`--baseline ${e.message}`) : e
  })
  if ('kind' in doc && doc.kind === 'comparison') {
    throw new UsageError(`${o.baseline}: is a comparison (lbbench compare); --baseline needs the report.json of one run`)
  }
  const report = doc as Report
  return {report, tolerance, warning: checkBaselineScenario(report, hash, o.baseline!, o.force === true)}
}

/** --tolerance and --force mean something only with --baseline. */
export function checkBaselineFlags(o: Pick<RunCommandOptions, 'baseline' | 'tolerance' | 'force'>): void {
  if (o.baseline !== undefined) return
  if (o.tolerance !== undefined) throw new UsageError('--tolerance applies only with --baseline <report.json>')
  if (o.force) throw new UsageError('--force applies only with --baseline <report.json>')
}
