// What `lbbench run` does, apart from parsing its flags: load the scenario, run it with progress on
// stderr, write the report files, print the report, and decide the exit code.

import {relative} from 'node:path'
import {UsageError} from '../errors.js'
import {decideColor} from '../report/color.js'
import {createProgress} from '../report/progress.js'
import {renderers} from '../report/registry.js'
import {writeReportFiles} from '../report/write.js'
import {loadScenario, scenarioHash} from '../scenario/load.js'
import {scaleTime} from '../scenario/time-scale.js'
import {runScenario} from './run.js'

export interface RunCommandOptions {
  file: string
  json: boolean
  formats: string
  out: string
  color?: boolean
  timeScale?: string
  printConfig: boolean
  strict: boolean
}

// A second Ctrl-C, or a teardown that hangs, must not keep the user waiting: exit within 5 s regardless.
const HARD_EXIT_MS = 4_500
const SIGNAL_EXIT: Record<string, number> = {SIGINT: 130, SIGTERM: 143}

export async function runCommand(o: RunCommandOptions): Promise<number> {
  const formats = parseFormats(o.formats)
  const factor = parseTimeScale(o.timeScale)
  let loaded = await loadScenario(o.file)
  if (factor !== 1) {
    const scenario = scaleTime(loaded.scenario, factor)
    loaded = {...loaded, scenario, hash: scenarioHash(scenario)}
  }
  const color = decideColor({flag: o.color, env: process.env, isTTY: process.stdout.isTTY})
  const progress = createProgress(process.stderr, {isTTY: process.stderr.isTTY === true})

  const controller = new AbortController()
  let signalled: string | undefined
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return
    signalled = sig
    progress.note(`${sig}: stopping the run and writing what was measured so far`)
    controller.abort(`interrupted by ${sig}`)
    setTimeout(() => process.exit(SIGNAL_EXIT[sig] ?? 1), HARD_EXIT_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const outcome = await runScenario(loaded, {
      reportsDir: o.out,
      signal: controller.signal,
      hooks: {
        log: (line) => progress.note(line),
        onEvent: (line) => progress.note(line),
        onSample: (sample, live) =>
          progress.update({
            phase: live.phase,
            elapsedMs: live.elapsedMs,
            totalMs: live.totalMs,
            rps: sample.completed,
            errors: sample.errors.connect + sample.errors.reset + sample.errors.timeout,
            backendsUp: live.backendsUp,
            backendsTotal: live.backendsTotal,
          }),
        onBalancerConfig: o.printConfig ? (text) => process.stderr.write(`${text}\n`) : undefined,
      },
    })
    progress.done()
    const {report} = outcome
    const files = await writeReportFiles(report, outcome.runDir, ['json', ...formats.filter((f) => f !== 'terminal' && f !== 'json')])
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
    else if (formats.includes('terminal')) {
      process.stdout.write((await renderers.terminal()).render(report, {color, width: process.stdout.columns}))
    }
    for (const f of files) process.stderr.write(`report: ${relative(process.cwd(), f) || f}\n`)
    if (process.env.GITHUB_STEP_SUMMARY) {
      const {appendStepSummary} = await import('../report/markdown.js')
      await appendStepSummary((await renderers.markdown()).render(report, {color: false}))
    }
    if (outcome.failure) throw outcome.failure
    if (report.meta.aborted) return SIGNAL_EXIT[signalled ?? ''] ?? 1
    if (!report.pass) return 1
    if (o.strict && report.meta.generator.saturated) return 4
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

const FORMATS = ['terminal', 'json', 'markdown', 'html', 'junit']

function parseFormats(text: string): string[] {
  const formats = text.split(',').map((f) => f.trim()).filter(Boolean)
  const unknown = formats.filter((f) => !FORMATS.includes(f))
  if (unknown.length) throw new UsageError(`--format: unknown format ${unknown.join(', ')}; expected some of ${FORMATS.join(', ')}`)
  return formats
}

function parseTimeScale(text: string | undefined): number {
  if (text === undefined) return 1
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new UsageError(`--time-scale: expected a number above 0 (e.g. 0.3), got ${text}`)
  return n
}
