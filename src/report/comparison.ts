// A comparison of subjects (strategies or balancers), each with one or more runs of the same scenario:
// what `lbbench compare` saves and renders. The figures come from metrics/compare.ts; here they are laid
// out side by side, the best value of each row highlighted, and every subject's change against the first
// (the one named first on the command line: the reference). Spread = the range (min–max) of the runs.

import type {Report} from '../model/report.js'
import type {ChalkInstance} from 'chalk'
import type {RenderOptions} from './renderer.js'
import {compareRows, meanSeries, type ComparisonRow, type Spread} from '../metrics/compare.js'
import {paint} from './color.js'
import {table, balancerLabel} from './terminal.js'
import {count, duration, ms, num, percent, rps, signedPercent} from './format.js'
import {columns, max, pointsPerColumn, sparkline, mean} from './sparkline.js'
import {markers, markersIn} from './markers.js'
import {plural} from '../model/plural.js'

export interface ComparisonSubject {
  /** What the column is called: `round-robin`, `nginx`, … */
  label: string
  strategy?: string
  balancer?: string
  /** One report per run (repeats of the same subject). */
  reports: Report[]
}

export interface Comparison {
  schemaVersion: 1
  kind: 'comparison'
  createdAt?: string
  title?: string
  subjects: ComparisonSubject[]
  /** e.g. mismatched environment fingerprints. */
  warnings?: string[]
}

export function isComparison(doc: unknown): doc is Comparison {
  return typeof doc === 'object' && doc !== null && (doc as {kind?: unknown}).kind === 'comparison'
}

export function comparisonTitle(c: Comparison): string {
  return c.title ?? c.subjects[0]?.reports[0]?.scenario.name ?? 'comparison'
}

export function formatValue(unit: ComparisonRow['unit'], v: number): string {
  switch (unit) {
    case 'us': return ms(v)
    case 'ms': return duration(v)
    case 'fraction': return percent(v, 2)
    case 'rps': return num(v, 1)
    case 'count': return Number.isInteger(v) ? count(v) : num(v, 1)
    case 'cpu': return `${num(v, 0)}%`
    default: return num(v, 4)
  }
}

/** `2,001.3` for one run; `2,001.3 (1,990.2–2,010.0)` for repeats. */
export function formatSpread(unit: ComparisonRow['unit'], s: Spread | null): {value: string; range: string} {
  if (!s) return {value: '–', range: ''}
  const value = formatValue(unit, s.mean)
  if (s.n <= 1) return {value, range: ''}
  if (s.min === s.max) return {value, range: ''}
  // The unit is on the value already.
  const strip = (x: string) => x.replace(/ ms$| s$|%$/, '')
  const [lo, hi] = [strip(formatValue(unit, s.min)), strip(formatValue(unit, s.max))]
  return {value, range: lo === hi ? '' : `(${lo}–${hi})`}
}

export function verdictOfRow(row: ComparisonRow, subjects: ComparisonSubject[]): string {
  if (row.best === null) return ''
  const who = subjects[row.best].label
  if (row.clear === null) return who
  return row.clear ? `${who} (beyond spread)` : `${who} (within spread)`
}

export function repeatsNote(c: Comparison): string {
  const runs = c.subjects.map((s) => s.reports.length)
  const most = Math.max(...runs)
  return most > 1 ? `mean of ${runs.join('/')} runs; (min–max) is the spread of the runs` : 'one run per subject'
}

/**
 * A subject with what its label leaves out, each name once: `round-robin on builtin` (--strategies),
 * `nginx with round-robin` (--balancers), `nginx/p2c` (both). A saved comparison without the fields
 * is described by its first run's balancer.
 */
export function subjectHeading(s: ComparisonSubject): string {
  if (s.balancer === undefined && s.strategy === undefined) {
    const detail = s.reports[0] ? balancerLabel(s.reports[0]) : ''
    return detail && detail !== s.label ? `${s.label} — ${detail}` : s.label
  }
  const named = new Set(s.label.split('/'))
  const on = s.balancer && !named.has(s.balancer) ? ` on ${s.balancer}` : ''
  const using = s.strategy && !named.has(s.strategy) ? ` with ${s.strategy}` : ''
  return `${s.label}${on}${using}`
}

/** A subject's change against the first subject in a row: `+12.3%`, `from 0` (the first's was 0), or ''. */
export function deltaText(row: ComparisonRow, i: number): string {
  const d = row.deltaPct[i]
  if (d !== null && d !== undefined) return signedPercent(d)
  return i > 0 && row.values[0]?.mean === 0 && row.values[i] ? 'from 0' : ''
}

/** Whether a change is for the better, the worse, or neither (a row with no direction, or no change). */
function deltaTone(row: ComparisonRow, i: number): 'better' | 'worse' | 'neutral' {
  const first = row.values[0]
  const v = row.values[i]
  if (i === 0 || !first || !v || row.better === 'none' || deltaText(row, i) === signedPercent(0)) return 'neutral'
  return (v.mean > first.mean) === (row.better === 'higher') ? 'better' : 'worse'
}

/** The note that says what the deltas are against. */
export function deltaNote(c: Comparison): string {
  return c.subjects.length > 1 ? `+x% is the change of the mean against ${c.subjects[0].label}, the first subject` : ''
}

export function renderComparisonTerminal(c: Comparison, opts: RenderOptions): string {
  const p = paint(opts.color)
  const width = Math.max(60, opts.width ?? 100)
  const rows = compareRows(c.subjects)
  const out: string[] = []
  out.push(`${p.bold(`lbbench compare · ${comparisonTitle(c)}`)}  ${p.dim(repeatsNote(c))}`)
  for (const w of c.warnings ?? []) out.push(p.yellow(`warning: ${w}`))
  out.push('')
  out.push(c.subjects.map((s) => `  ${subjectHeading(s)}: ${passSummary(s.reports)}`).join('\n'))
  out.push('')
  // Too narrow for a "best" column: the best value is marked in its cell instead.
  const head = ['', ...c.subjects.map((s) => s.label)]
  // Every change as wide as the widest of its column, so that the values above one another stay aligned.
  const deltaWidths = c.subjects.map((_, i) => Math.max(0, ...rows.map((row) => deltaText(row, i).length)))
  const body = rows.map((row) => [row.label, ...row.values.map((v, i) => terminalCell(row, v, i, {p, deltaWidth: deltaWidths[i]}))])
  out.push(table(head, body, opts.color, ['left', ...c.subjects.map(() => 'right' as const)]).split('\n').map((l) => `  ${l}`).join('\n'))
  const repeats = c.subjects.some((s) => s.reports.length > 1)
  const legend = repeats
    ? '★ best, beyond the spread of the runs · ☆ best mean, within the spread (no clear difference)'
    : '★ best value (one run each: no spread to judge the difference by)'
  for (const line of [legend, deltaNote(c)].filter(Boolean)) out.push(p.dim(`  ${line}`))
  out.push('')
  out.push(p.bold('Over time') + p.dim(' (mean rps per second across runs; ^ fault in the first run)'))
  const labelWidth = Math.min(22, Math.max(...c.subjects.map((s) => s.label.length)) + 2)
  for (const s of c.subjects) {
    const series = meanSeries(s.reports, (q) => q.completed)
    if (series.length === 0) continue
    const per = pointsPerColumn(series.length, width - labelWidth - 24)
    const cols = columns(series.map((q) => q.value), per, mean)
    out.push(`  ${s.label.slice(0, labelWidth - 1).padEnd(labelWidth)}${p.cyan(sparkline(cols))}  max ${rps(max(cols))}`)
  }
  const first = c.subjects[0]?.reports[0]
  if (first && first.series.length > 0) {
    const per = pointsPerColumn(first.series.length, width - labelWidth - 24)
    const all = markers(first)
    const ticks = columns(first.series.map((q) => q.tMs), per, (g) => g[0]).map((t) =>
      markersIn(all, t, per * 1000).some((m) => m.kind === 'fault') ? p.red('^') : ' ')
    out.push(`  ${' '.repeat(labelWidth)}${ticks.join('')}`.trimEnd())
  }
  return out.join('\n') + '\n'
}

/**
 * One cell of the terminal table: the value (bold green when best), its spread, its change against the
 * first subject (green when better, red when worse; the first column has none), its star.
 */
function terminalCell(row: ComparisonRow, v: Spread | null, i: number, o: {p: ChalkInstance; deltaWidth: number}): string {
  const {p} = o
  const {value, range} = formatSpread(row.unit, v)
  const mark = row.best !== i ? '  ' : row.clear === false ? ' ☆' : ' ★'
  const shown = row.best === i ? p.green.bold(value) : value
  const tone = deltaTone(row, i)
  const delta = deltaText(row, i).padStart(o.deltaWidth)
  const toned = tone === 'better' ? p.green(delta) : tone === 'worse' ? p.red(delta) : p.dim(delta)
  return `${shown}${range ? ` ${p.dim(range)}` : ''}${o.deltaWidth > 0 ? ` ${toned}` : ''}${mark}`
}

function passSummary(reports: Report[]): string {
  const passed = reports.filter((r) => r.pass).length
  if (reports.length === 1) return reports[0].pass ? 'PASS' : 'FAIL'
  return `${passed} of ${plural(reports.length, 'run')} passed`
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|')
}

export function renderComparisonMarkdown(c: Comparison): string {
  const rows = compareRows(c.subjects)
  const lines: string[] = []
  lines.push(`## lbbench compare: ${mdEscape(comparisonTitle(c))}`, '')
  const note = [`${repeatsNote(c)}. **Bold** is the best value of a row; "beyond spread" means its range of runs does not overlap any other subject's`, deltaNote(c)]
  lines.push(`_${note.filter(Boolean).join('; ')}._`, '')
  for (const w of c.warnings ?? []) lines.push(`> ⚠️ ${mdEscape(w)}`, '')
  lines.push('| subject | runs | result |', '|---|--:|---|')
  for (const s of c.subjects) lines.push(`| ${mdEscape(subjectHeading(s))} | ${s.reports.length} | ${passSummary(s.reports)} |`)
  lines.push('')
  lines.push(`| metric | ${c.subjects.map((s) => mdEscape(s.label)).join(' | ')} | best |`)
  lines.push(`|---|${c.subjects.map(() => '--:').join('|')}|---|`)
  for (const row of rows) {
    const cells = row.values.map((v, i) => {
      const {value, range} = formatSpread(row.unit, v)
      const shown = row.best === i ? `**${value}**` : value
      return [shown, range, deltaText(row, i)].filter(Boolean).join(' ')
    })
    lines.push(`| ${mdEscape(row.label)} | ${cells.join(' | ')} | ${mdEscape(verdictOfRow(row, c.subjects))} |`)
  }
  return lines.join('\n') + '\n'
}
