// The terminal report: what a person reads right after a run. Sections in the order people ask their
// questions: did it pass, what did clients see, how was the load spread, what happened when things broke,
// and how it went second by second. Fits 100 columns; with colour off it holds no escape code at all.

import type {ChalkInstance} from 'chalk'
import {describeBalancer} from '../balancers/registry.js'
import {openConnectionsChanged} from '../metrics/series.js'
import type {Report, SeriesPoint} from '../model/report.js'
import type {RenderOptions} from './renderer.js'
import {backendColumns} from './backend-columns.js'
import {backendsLegend} from './backends-legend.js'
import {paint} from './color.js'
import {indent, table, type Align} from './terminal-table.js'
import {at, bytesPerSec, count, duration, fairnessNoteTexts, failoverLegend, failoverSourcesText, formatMetricValue, ms, num, percent, rps, thresholdMetric, windowSpan, worstWindowText} from './format.js'
import {markers, markersIn, type Marker} from './markers.js'
import {columns, max, mean, pointsPerColumn, sparkline} from './sparkline.js'
import {baselineHeading, baselineValue, rowVerdict, signedDelta, signedPct} from './baseline-view.js'
import {terminalShards} from './shards-view.js'
import {plural} from '../model/plural.js'
import {replicasLabel} from '../scenario/describe.js'
import {orchestratorNote} from './orchestrator-note.js'

export {table} from './terminal-table.js'

const DEFAULT_WIDTH = 100
/** Beyond this many backends the per-second table shows backends up instead of one column each. */
const MAX_BACKEND_COLUMNS = 6
/** Beyond this many seconds the per-second table groups rows. */
const MAX_SERIES_ROWS = 60

function truncate(s: string, width: number): string {
  if (width <= 1) return ''
  return [...s].length <= width ? s : [...s].slice(0, width - 1).join('') + '…'
}

// eslint-disable-next-line no-control-regex -- a colour code starts with the escape character
const ANSI = /\u001b\[[0-9;]*m/g
const visible = (s: string): number => [...s.replace(ANSI, '')].length

/** Columns left for a table's last column once the others are laid out (2 spaces of indent, 1 of padding a side). */
function roomForLast(head: string[], rows: string[][], width: number): number {
  let used = 2
  for (let i = 0; i < head.length - 1; i++) used += Math.max(visible(head[i]), ...rows.map((r) => visible(r[i]))) + 2
  return Math.max(12, width - used - 3)
}

/** The run's balancer as its kind names itself, with what the run saw of it (whether the proxy's workers shared their health). */
export function balancerLabel(report: Report): string {
  return describeBalancer(report.scenario.balancer, report.meta.proxy)
}

function header(r: Report, c: ChalkInstance): string[] {
  const s = r.scenario
  const verdict = r.meta.notRun ? c.red.bold('NOT RUN') : r.pass ? c.green.bold('PASS') : c.red.bold('FAIL')
  const started = r.meta.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')
  const lines = [
    `${c.bold(`lbbench · ${s.name}`)}  ${verdict}  ${c.dim(started)}`,
    [
      balancerLabel(r),
      replicasLabel(s.replicas),
      ...(r.meta.notRun ? [] : [`${duration(r.summary.durationMs)} measured`]),
      `seed ${s.seed}`,
    ].join(' · '),
  ]
  if (r.meta.tls) lines.push(`TLS ${r.meta.tls.protocol} · ${r.meta.tls.cipher}${r.meta.target ? ` · load to ${r.meta.target}` : ''}`)
  if (s.description) lines.push(c.dim(s.description))
  if (r.meta.notRun) lines.push(...notRunLines(r, c))
  else if (r.meta.aborted) lines.push(c.red.bold(`ABORTED${r.meta.abortReason ? `: ${r.meta.abortReason}` : ''}`) + c.red(' (figures cover what was measured before the stop)'))
  if (r.meta.generator.saturated) {
    lines.push(c.yellow.bold('SATURATED GENERATOR') + c.yellow(`: the load generator used ${num(r.meta.generator.cpuPct)}% CPU; the figures measure it, not the system`))
  }
  return lines
}

/** Why a run could not be carried out: the error as printed, and where to look. */
function notRunLines(r: Report, c: ChalkInstance): string[] {
  const e = r.meta.error
  return [
    c.red.bold('NOT RUN') + c.red(': the run could not be carried out (exit 3); nothing was measured under load'),
    ...(e ? [indent(e.message), ...(e.hint ? [c.dim(indent(e.hint))] : [])] : []),
  ]
}

function requests(r: Report, c: ChalkInstance): string[] {
  const {requests: q, errors: e} = r.summary
  const failed = q.failed > 0 ? c.red(count(q.failed)) : count(q.failed)
  const statuses = Object.entries(r.summary.statusCodes ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code}: ${count(n)}`)
    .join(' · ')
  return [
    c.bold('Requests'),
    `  sent ${count(q.sent)} · completed ${count(q.completed)} · failed ${failed} (${percent(r.summary.errorRate, 3)})`,
    `  failures: connect ${count(e.connect)} · reset ${count(e.reset)} · timeout ${count(e.timeout)} · non-2xx ${count(e.non2xx)} · lost ${count(e.lost)}`,
    `  throughput ${rps(r.summary.throughput.rps)} · ${bytesPerSec(r.summary.throughput.bytesPerSec)} over ${duration(r.summary.durationMs)}${newConnections(r)}`,
    ...(statuses ? [`  status ${statuses}`] : []),
  ]
}

/** load.keepAlive false or {requests: N}: new connections (and handshakes) per second. */
const newConnections = (r: Report): string => (r.summary.throughput.connectionsPerSec === undefined ? '' : ` · ${num(r.summary.throughput.connectionsPerSec)} new connections/s`)

function latency(r: Report, c: ChalkInstance, color: boolean): string[] {
  const l = r.summary.latencyUs
  return [
    c.bold('Latency') + c.dim(` (n = ${count(l.count)}, timed from the ${r.meta.timing === 'intended-send' ? 'intended' : 'actual'} send)`),
    indent(table(['p50', 'p90', 'p99', 'p99.9', 'max', 'mean'], [[ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max), ms(l.mean)]], color, Array(6).fill('right'))),
  ]
}

export function backendEventsText(events: Report['backends'][number]['events']): string {
  return events.map((e) => `${e.state} ${at(e.atMs)}`).join(', ')
}

/** Items joined by `sep`, broken into lines of at most `width` (a long item stays whole on its own line). */
function wrapList(items: string[], width: number, sep = ', '): string {
  const lines: string[] = []
  let line = ''
  for (const item of items) {
    const next = line ? `${line}${sep}${item}` : item
    if (line && next.length > width) {
      lines.push(line + sep.trimEnd())
      line = item
    } else line = next
  }
  if (line) lines.push(line)
  return lines.join('\n')
}

function backends(r: Report, c: ChalkInstance, color: boolean, width: number): string[] {
  if (r.backends.length === 0) return []
  const optional = backendColumns(r)
  const head = ['backend', 'requests', 'share', 'errors', ...optional.map((o) => o.head), 'p50', 'p99', 'events']
  const rows = r.backends.map((b) => [
    b.id,
    count(b.requests),
    percent(b.share),
    b.errors > 0 ? c.red(count(b.errors)) : count(b.errors),
    ...optional.map((o) => o.cell(b)),
    ms(b.latencyUs.p50),
    ms(b.latencyUs.p99),
    '',
  ])
  const room = roomForLast(head, rows, width)
  r.backends.forEach((b, i) => {
    rows[i][rows[i].length - 1] = wrapList(b.events.map((e) => `${e.state} ${at(e.atMs)}`), room)
  })
  const aligns: Align[] = head.map((h, i) => (i === 0 || h === 'events' ? 'left' : 'right'))
  const legend = backendsLegend(r)
  return [c.bold('Backends'), indent(table(head, rows, color, aligns)), ...(legend ? [indent(c.dim(wrapList(legend.split(' '), width - 2, ' ')))] : [])]
}

function fairness(r: Report, c: ChalkInstance, width: number): string[] {
  const f = r.fairness
  if (!f || f.over.length === 0) return []
  return [
    c.bold('Fairness') + c.dim(` over ${f.over.join(', ')} (the backends up the whole time)`),
    `  Jain ${num(f.jain, 4)} · CV ${num(f.cv, 4)} · max/mean ${num(f.maxMean, 3)} · min/mean ${num(f.minMean, 3)}`,
    ...fairnessNoteTexts(r).map((note) => indent(c.yellow(wrapList(`note: ${note}`.split(' '), width - 2, ' ')))),
  ]
}

function failover(r: Report, c: ChalkInstance, color: boolean): string[] {
  if (r.failover.length === 0) return []
  const rows = r.failover.map((f) => [
    f.fault,
    f.target,
    at(f.atMs),
    duration(f.ttdMs) + (f.ttdBalancerMs != null ? c.dim(` (lb ${duration(f.ttdBalancerMs)})`) : ''),
    f.failed > 0 ? c.red(count(f.failed)) : count(f.failed),
    count(f.hidden),
    duration(f.ttrMs),
    f.addedP99Us == null ? '–' : `+${ms(f.addedP99Us)}`,
  ])
  const sources = failoverSourcesText(r)
  return [
    c.bold('Failover') + c.dim(` (${failoverLegend(r)})`),
    indent(table(['fault', 'target', 'at', 'ttd', 'failed', 'hidden', 'ttr', 'added p99'], rows, color, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'])),
    ...(sources ? [c.dim(`  ${sources}`)] : []),
    ...r.failover.flatMap((f) => orchestratorNote(f)).map((line) => c.dim(`  ${line}`)),
  ]
}

/** Merges consecutive seconds into one row (sums of counts, the worst p99). */
function groupSeries(series: SeriesPoint[], per: number): SeriesPoint[] {
  if (per <= 1) return series
  const out: SeriesPoint[] = []
  for (let i = 0; i < series.length; i += per) {
    const g = series.slice(i, i + per)
    const perBackend: Record<string, number> = {}
    for (const p of g) for (const [id, n] of Object.entries(p.perBackend)) perBackend[id] = (perBackend[id] ?? 0) + n
    out.push({
      ...g[0],
      sent: g.reduce((a, p) => a + p.sent, 0),
      completed: g.reduce((a, p) => a + p.completed, 0),
      failed: g.reduce((a, p) => a + p.failed, 0),
      latencyUs: {p50: max(g.map((p) => p.latencyUs.p50)), p99: max(g.map((p) => p.latencyUs.p99))},
      perBackend,
      backendsUp: Math.min(...g.map((p) => p.backendsUp ?? Infinity)),
      openConnections: Math.min(...g.map((p) => p.openConnections ?? Infinity)),
    })
  }
  return out
}

function markerText(ms: Marker[], c: ChalkInstance): string {
  return ms.map((m) => (m.kind === 'fault' ? c.red(`▲ ${m.label}`) : c.yellow(m.label))).join(', ')
}

function perSecond(r: Report, c: ChalkInstance, color: boolean, width: number): string[] {
  if (r.series.length === 0) return []
  const per = pointsPerColumn(r.series.length, MAX_SERIES_ROWS)
  const rows = groupSeries(r.series, per)
  const all = markers(r)
  const ids = r.backends.map((b) => b.id)
  const oneColumnEach = ids.length <= MAX_BACKEND_COLUMNS
  const hasUp = r.series.some((p) => p.backendsUp !== undefined)
  const conns = openConnectionsChanged(r.series)
  const head = ['t', 'sent', 'completed', 'failed', 'p99 ms', ...(conns ? ['conns'] : []), ...(oneColumnEach ? ids : hasUp ? ['up'] : []), 'events']
  const body = rows.map((p) => {
    const failed = p.failed > 0 ? c.red(count(p.failed)) : count(p.failed)
    return [
      `${(p.tMs / 1000).toFixed(0)}s`,
      count(p.sent),
      count(p.completed),
      failed,
      num(p.latencyUs.p99 / 1000, 3),
      ...(conns ? [count(p.openConnections)] : []),
      ...(oneColumnEach ? ids.map((id) => count(p.perBackend[id] ?? 0)) : hasUp ? [count(p.backendsUp)] : []),
      '',
    ]
  })
  // The events column gets what is left of the width, so the table never wraps.
  const room = roomForLast(head, body, width)
  rows.forEach((p, i) => {
    body[i][body[i].length - 1] = markerText(truncateMarkers(markersIn(all, p.tMs, per * 1000), room), c)
  })
  const aligns: Align[] = head.map((h) => (h === 'events' ? 'left' : 'right'))
  return [
    c.bold('Per second') + c.dim(per > 1 ? ` (${per} s per row; p99 is the worst second)` : ''),
    indent(table(head, body, color, aligns)),
  ]
}

/** Keeps whole labels while they fit in `room` columns, then says how many more there were. */
function truncateMarkers(ms: Marker[], room: number): Marker[] {
  const text = (m: Marker) => (m.kind === 'fault' ? `▲ ${m.label}` : m.label)
  const kept: Marker[] = []
  let used = 0
  for (const [i, m] of ms.entries()) {
    const len = text(m).length + (i > 0 ? 2 : 0)
    const more = i < ms.length - 1 ? `, +${ms.length - i - 1} more`.length : 0
    if (used + len + more > room) {
      kept.push({atMs: m.atMs, kind: 'health', label: `+${ms.length - i} more`, text: ''})
      return kept
    }
    kept.push(m)
    used += len
  }
  return kept
}

/** Two sparklines (rps, p99) over time and a line of ticks under the seconds with faults (^) or health changes (*). */
export function overTimeChart(r: Report, c: ChalkInstance, width: number): string[] {
  if (r.series.length === 0) return []
  const labelWidth = 7
  const per = pointsPerColumn(r.series.length, width - labelWidth - 24)
  const rpsCols = columns(r.series.map((p) => p.completed), per, mean)
  const p99Cols = columns(r.series.map((p) => p.latencyUs.p99), per, max)
  const all = markers(r)
  const t0 = r.series[0].tMs
  const ticks = rpsCols.map((_, i) => {
    const here = markersIn(all, t0 + i * per * 1000, per * 1000)
    if (here.some((m) => m.kind === 'fault')) return c.red('^')
    if (here.length > 0) return c.yellow('*')
    return ' '
  })
  const end = r.series[r.series.length - 1].tMs + 1000
  const axisStart = `${(t0 / 1000).toFixed(0)}s`
  const axisEnd = `${(end / 1000).toFixed(0)}s`
  const gap = Math.max(1, rpsCols.length - axisStart.length - axisEnd.length)
  const unit = per > 1 ? `1 column = ${per} s` : '1 column = 1 s'
  return [
    c.bold('Over time') + c.dim(` (${unit}; ^ fault, * health change)`),
    `  ${'rps'.padEnd(labelWidth - 2)}${c.cyan(sparkline(rpsCols))}  max ${num(max(rpsCols), 0)}/s · min ${num(Math.min(...rpsCols), 0)}/s`,
    `  ${'p99'.padEnd(labelWidth - 2)}${c.magenta(sparkline(p99Cols))}  max ${ms(max(p99Cols))}`,
    `  ${' '.repeat(labelWidth - 2)}${ticks.join('')}`.trimEnd(),
    c.dim(`  ${' '.repeat(labelWidth - 2)}${axisStart}${' '.repeat(gap)}${axisEnd}`),
  ]
}

function timeline(r: Report, c: ChalkInstance, width: number): string[] {
  const all = markers(r)
  if (all.length === 0) return []
  const shown = all.slice(0, 20)
  return [
    c.bold('Events'),
    ...shown.map((m) => `  ${at(m.atMs, 3).padEnd(10)} ${m.kind === 'fault' ? c.red(truncate(m.text, width - 14)) : c.yellow(truncate(m.text, width - 14))}`),
    ...(all.length > shown.length ? [c.dim(`  … ${all.length - shown.length} more in the JSON report`)] : []),
  ]
}

function thresholds(r: Report, c: ChalkInstance, color: boolean): string[] {
  if (r.thresholds.length === 0) return []
  const rows = r.thresholds.map((t) => [
    t.pass ? c.green('✔') : c.red('✘'),
    t.expr,
    t.pass ? formatMetricValue(thresholdMetric(t.expr), t.actual) : c.red(formatMetricValue(thresholdMetric(t.expr), t.actual)),
    [t.worstWindow && `worst window ${worstWindowText(t.worstWindow)}`, t.detail].filter(Boolean).join(' · '),
  ])
  return [c.bold('Thresholds'), indent(table(['', 'threshold', 'actual', ''], rows, color, ['left', 'left', 'right', 'left']))]
}

function baseline(r: Report, c: ChalkInstance, color: boolean): string[] {
  const b = r.baseline
  if (!b) return []
  const rows = b.rows.map((row) => {
    const verdict = rowVerdict(row)
    const mark = verdict === 'regression' ? c.red('✘') : verdict === 'within noise' ? c.yellow('~') : c.green('✔')
    const text = verdict === 'regression' ? c.red(verdict) : verdict === 'within noise' ? c.yellow(verdict) : c.dim(verdict)
    return [mark, row.metric, baselineValue(row.metric, row.baseline), baselineValue(row.metric, row.current), signedDelta(row.metric, row.delta), signedPct(row), text]
  })
  return [
    c.bold('Baseline') + c.dim(` ${baselineHeading(b)}`),
    ...b.warnings.map((w) => c.yellow(`  warning: ${w}`)),
    indent(table(['', 'metric', 'baseline', 'current', 'change', '%', ''], rows, color, ['left', 'left', 'right', 'right', 'right', 'right', 'left'])),
    c.dim('  regression = worse by more than the tolerance AND beyond the per-second noise of both runs (JSON: rows[].noise)'),
  ]
}

export function verdictLine(r: Report, c: ChalkInstance): string {
  if (r.meta.notRun) return `${c.red.bold('NOT RUN')}  ${(r.meta.error?.message ?? 'the run could not be carried out').split('\n')[0]}`
  const failed = r.thresholds.filter((t) => !t.pass)
  const why: string[] = []
  if (r.meta.aborted) why.push(`run aborted${r.meta.abortReason ? ` (${r.meta.abortReason})` : ''}`)
  if (failed.length > 0) {
    const which = r.thresholds.length === 1 ? 'the 1 threshold' : `${failed.length} of ${r.thresholds.length} thresholds`
    why.push(`${which} failed: ` +
      failed.map((t) => `${t.expr} (${formatMetricValue(thresholdMetric(t.expr), t.actual)}${t.worstWindow ? ` at ${windowSpan(t.worstWindow)}` : ''})`).join(', '))
  }
  if (r.baseline && r.baseline.regressions > 0) {
    const worse = r.baseline.rows.filter((x) => x.regression)
    why.push(`${plural(worse.length, 'regression')} against the baseline: ` + worse.map((x) => `${x.metric} ${signedPct(x)}`).join(', '))
  }
  if (r.meta.generator.saturated) why.push('load generator saturated')
  if (r.pass) {
    const n = r.thresholds.length
    const what = (n === 0 ? 'run completed (no thresholds)' : n === 1 ? 'the 1 threshold held' : `all ${n} thresholds held`) +
      (r.baseline ? ' · no regression against the baseline' : '')
    return `${c.green.bold('PASS')}  ${what}${r.meta.generator.saturated ? c.yellow(' · load generator saturated') : ''}`
  }
  return `${c.red.bold('FAIL')}  ${why.join(' · ') || 'the run did not pass'}`
}

export function renderTerminal(report: Report, opts: RenderOptions): string {
  const c = paint(opts.color)
  const width = Math.max(60, opts.width ?? DEFAULT_WIDTH)
  // A run that could not be carried out has no figures to show: what it says is why, and what happened.
  const figures = report.meta.notRun ? [] : [
    requests(report, c),
    latency(report, c, opts.color),
    terminalShards(report, c, opts.color),
    backends(report, c, opts.color, width),
    fairness(report, c, width),
    failover(report, c, opts.color),
    perSecond(report, c, opts.color, width),
    overTimeChart(report, c, width),
  ]
  const sections = [
    header(report, c),
    ...figures,
    timeline(report, c, width),
    thresholds(report, c, opts.color),
    baseline(report, c, opts.color),
    [verdictLine(report, c)],
  ].filter((s) => s.length > 0)
  return sections.map((s) => s.join('\n')).join('\n\n') + '\n'
}
