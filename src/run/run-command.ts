// What `lbbench run` does, apart from parsing its flags: load the scenario, run it with progress on
// stderr, write the report files, print the report, and decide the exit code.

import {relative} from 'node:path'
import {decideColor} from '../report/color.js'
import {createProgress} from '../report/progress.js'
import {parseFormats} from '../report/render-document.js'
import {renderers} from '../report/registry.js'
import {writeReportFiles} from '../report/write.js'
import {loadScenario} from '../scenario/load.js'
import {onInterrupt} from './interrupt.js'
import {progressHooks} from './progress-hooks.js'
import {runScenario} from './run.js'
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
}

export async function runCommand(o: RunCommandOptions): Promise<number> {
  const formats = parseFormats(o.formats)
  const loaded = withTimeScale(await loadScenario(o.file), parseTimeScale(o.timeScale))
  const color = decideColor({flag: o.color, env: process.env, isTTY: process.stdout.isTTY})
  const progress = createProgress(process.stderr, {isTTY: process.stderr.isTTY === true})
  const interrupt = onInterrupt((line) => progress.note(line))
  try {
    const outcome = await runScenario(loaded, {
      reportsDir: o.out,
      signal: interrupt.signal,
      hooks: progressHooks(progress, {
        onBalancerConfig: o.printConfig ? (text) => process.stderr.write(`${text}\n`) : undefined,
      }),
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
    if (report.meta.aborted) return interrupt.exitCode() ?? 1
    if (!report.pass) return 1
    if (o.strict && report.meta.generator.saturated) return 4
    return 0
  } finally {
    interrupt.dispose()
  }
}
