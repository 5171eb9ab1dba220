// What `lbbench compare` does apart from parsing its flags: check every subject's scenario before
// anything runs, run the scenario once per subject and round (in A B B A order), each run a normal run
// with its own report folder, then show the subjects side by side and save the comparison.
// One subject is refused unless it is repeated: one run of one subject compares nothing (`lbbench run`
// does that run), while its repeated runs show how much one subject varies, which is worth knowing
// before reading a difference between two.

import {readFile} from 'node:fs/promises'
import {relative} from 'node:path'
import {fairnessNotes} from '../balancers/fairness-notes.js'
import {LbbenchError, UsageError} from '../model/errors.js'
import type {Report} from '../model/report.js'
import type {LoadedScenario} from '../model/scenario.js'
import {decideColor} from '../report/color.js'
import type {Comparison, ComparisonSubject} from '../report/comparison.js'
import {count, ms, rps} from '../report/format.js'
import {parseFormats} from '../report/render-document.js'
import {writeReportFiles} from '../report/write.js'
import {RunNotCarriedOut, runScenario} from '../run/orchestrator.js'
import {makeRunDir, newRunId} from '../run/run-dir.js'
import {loadScenario} from '../scenario/load.js'
import {compareSubjects, parseRepeat, runOrder, strategyless, type CompareSubject} from './compare-subjects.js'
import {deliverDocument} from './deliver-document.js'
import {onInterrupt} from './interrupt.js'
import {progressHooks} from './progress-hooks.js'
import {createProgress} from './progress.js'
import {subjectScenario} from './subject-scenario.js'
import {parseTimeScale, withTimeScale} from './time-scale-flag.js'

export interface CompareCommandOptions {
  file: string
  strategies?: string
  balancers?: string
  /** --modes: balancer.mode per subject (tcp, http). */
  modes?: string
  repeat?: string | number
  formats: string
  out: string
  color?: boolean
  timeScale?: string
  json: boolean
}

interface Planned {
  subject: CompareSubject
  loaded: LoadedScenario
  reports: Report[]
  /** Why this subject's runs stopped (the run could not be carried out). */
  failure?: string
}

export async function compareCommand(o: CompareCommandOptions): Promise<number> {
  const formats = parseFormats(o.formats)
  const factor = parseTimeScale(o.timeScale)
  const repeat = parseRepeat(o.repeat)
  const subjects = compareSubjects(o.strategies, o.balancers, o.modes)
  if (subjects.length === 1) {
    if (repeat === 1) throw oneSubject(subjects[0])
    stderr(`one subject, ${subjects[0].label}: its ${repeat} runs show how much one subject varies; there is nothing to compare it with`)
  }
  const base = await loadScenario(o.file)
  const planned = await plan(o.file, subjects, factor)
  const name = base.scenario.name
  const color = decideColor({flag: o.color, env: process.env, isTTY: process.stdout.isTTY})

  const dir = await makeRunDir(o.out, newRunId(`compare-${name}`))
  const order = runOrder(planned.length, repeat)
  const interrupt = onInterrupt(stderr, 'the comparison')
  try {
    for (const [n, {subject, round}] of order.entries()) {
      if (interrupt.signal.aborted) break
      const p = planned[subject]
      if (p.failure) continue
      const title = `run ${n + 1} of ${order.length}: ${p.subject.label}${repeat > 1 ? ` (round ${round + 1} of ${repeat})` : ''}`
      await runSubject(p, title, dir, interrupt.signal)
    }
    const exitCode = planned.some((p) => p.failure) ? 3 : 0
    const comparison = buildComparison(name, planned)
    if (comparison.subjects.length === 0) {
      stderr('no run was carried out: nothing to compare')
      return interrupt.exitCode() ?? (exitCode || 3)
    }
    await deliverDocument(comparison, dir, {formats, json: o.json, color, label: 'comparison'})
    return interrupt.exitCode() ?? exitCode
  } finally {
    interrupt.dispose()
  }
}

/**
 * One run of a subject, in its own folder under the comparison's, its report kept. A run that could not
 * be carried out marks its subject failed (exit 3), and the other subjects still run: nginx missing does
 * not stop the built-in proxy's runs.
 */
async function runSubject(p: Planned, title: string, dir: string, signal: AbortSignal): Promise<void> {
  const progress = createProgress(process.stderr, {isTTY: process.stderr.isTTY === true})
  progress.note(title)
  try {
    const outcome = await runScenario(p.loaded, {reportsDir: dir, signal, hooks: progressHooks(progress)})
    progress.done()
    await writeReportFiles(outcome.report, outcome.runDir, ['json'])
    p.reports.push(outcome.report)
    stderr(`  ${p.subject.label}: ${summaryLine(outcome.report)} · ${relative(process.cwd(), outcome.runDir) || outcome.runDir}`)
  } catch (error) {
    progress.done()
    if (!(error instanceof LbbenchError)) throw error
    if (error instanceof RunNotCarriedOut) await writeReportFiles(error.report, error.runDir, ['json']).catch(() => {})
    p.failure = error.message
    stderr(`${p.subject.label}: the run could not be carried out: ${error.message}`)
  }
}

function oneSubject(s: CompareSubject): UsageError {
  return new UsageError(
    `only one subject to compare (${s.label}): a comparison needs two or more. Name another in --strategies, --balancers or --modes, ` +
      'or add --repeat N (2 or more) to see how much the runs of one subject vary; `lbbench run` runs one scenario once.',
  )
}

function stderr(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** Every subject's scenario, checked before anything runs: one message with every combination that cannot be. */
async function plan(file: string, subjects: CompareSubject[], factor: number): Promise<Planned[]> {
  const text = await readFile(file, 'utf8')
  const planned: Planned[] = []
  const problems: string[] = []
  for (const subject of subjects) {
    const s = subjectScenario(text, file, subject)
    if ('problems' in s) problems.push(...s.problems.map((m) => `  ${describeSubject(subject)}: ${m}`))
    else planned.push({subject, loaded: withTimeScale(s.loaded, factor), reports: []})
  }
  if (problems.length > 0) {
    throw new UsageError(`${file}: cannot compare these subjects; nothing was run:\n${problems.join('\n')}`)
  }
  return planned
}

function describeSubject(s: CompareSubject): string {
  return [s.balancer && `balancer ${s.balancer}`, s.strategy && `strategy ${s.strategy}`, s.mode && `mode ${s.mode}`].filter(Boolean).join(' with ')
}

export function buildComparison(name: string, planned: Planned[]): Comparison {
  const warnings: string[] = []
  const subjects: ComparisonSubject[] = []
  for (const p of planned) {
    const label = p.subject.label
    if (p.failure) warnings.push(`${label}: a run could not be carried out (${p.failure.split('\n')[0]})`)
    if (p.reports.length === 0) {
      if (!p.failure) warnings.push(`${label}: not run (the comparison was interrupted)`)
      continue
    }
    for (const r of p.reports) {
      if (r.meta.aborted) warnings.push(`${label}: a run was interrupted; its figures cover only ${(r.summary.durationMs / 1000).toFixed(1)} s`)
      if (r.meta.generator.saturated) warnings.push(`${label}: the load generator was saturated in a run (${r.meta.generator.cpuPct}% CPU); its figures measure the generator as much as the system`)
    }
    for (const note of fairnessNotes(p.loaded.scenario)) warnings.push(`${label}: ${note.text}`)
    const b = p.loaded.scenario.balancer
    subjects.push({
      label,
      balancer: b.kind,
      ...(strategyless.has(b.kind) ? {} : {strategy: b.strategy}),
      reports: p.reports,
    })
  }
  const cpus = new Set(subjects.flatMap((s) => s.reports.map((r) => `${r.meta.environment.cpu} × ${r.meta.environment.cores}`)))
  if (cpus.size > 1) warnings.push(`the runs were on different machines (${[...cpus].join('; ')})`)
  return {schemaVersion: 1, kind: 'comparison', createdAt: new Date().toISOString(), title: name, subjects, ...(warnings.length > 0 ? {warnings} : {})}
}

function summaryLine(r: Report): string {
  const s = r.summary
  const verdict = r.meta.aborted ? 'aborted' : r.pass ? 'pass' : 'thresholds failed'
  // Formatted as the table formats them, so that a figure reads the same on both.
  return `${rps(s.throughput.rps)} · p99 ${ms(s.latencyUs.p99)} · ${count(s.requests.failed)} failed · ${verdict}`
}
