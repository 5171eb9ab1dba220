// The Markdown report, for pull-request comments and GitHub's job summary: the verdict in the first line,
// then the tables a reviewer scans; the per-second table folded away in a <details>. No colour codes.

import {appendFile} from 'node:fs/promises'
import type {Report} from '../model/report.js'
import {openConnectionsChanged} from '../metrics/series.js'
import {backendColumns} from './backend-columns.js'
import {backendsLegend} from './backends-legend.js'
import {at, bytesPerSec, count, duration, fairnessNoteTexts, failoverSourcesText, formatMetricValue, ms, num, percent, thresholdMetric, worstWindowText} from './format.js'
import {markers, markersIn} from './markers.js'
import {balancerLabel, overTimeChart} from './terminal.js'
import {paint} from './color.js'
import {baselineHeading, baselineValue, rowVerdict, signedDelta, signedPct} from './baseline-view.js'
import {shardNotes, shardRows, shardsHead} from './shards-view.js'
import {replicasLabel} from '../scenario/describe.js'

/** Escapes what would break a table cell or start Markdown/HTML markup inside one. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ')
}

/** Inline code in a table cell: entities are not decoded inside code spans, so only the pipe is escaped. */
export function mdCode(s: string): string {
  return `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\n/g, ' ')}\``
}

function mdTable(head: string[], rows: string[][], aligns?: Array<'l' | 'r'>): string[] {
  const a = aligns ?? head.map((_, i) => (i === 0 ? 'l' : 'r'))
  return [
    `| ${head.join(' | ')} |`,
    `|${a.map((x) => (x === 'r' ? '--:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ]
}

export function renderMarkdown(r: Report): string {
  // A run that could not be carried out has no figures: the heading says why.
  const figures = (lines: () => string[]) => (r.meta.notRun ? [] : lines())
  const out = [
    ...headingLines(r),
    ...figures(() => summaryLines(r)),
    ...figures(() => latencyLines(r)),
    ...figures(() => shardLines(r)),
    ...figures(() => backendLines(r)),
    ...figures(() => failoverLines(r)),
    ...thresholdsSection(r),
    ...baselineLines(r),
    ...figures(() => perSecondLines(r)),
    `<sub>lbbench ${mdCell(r.meta.lbbench)} · ${mdCell(r.meta.environment.cpu)} × ${r.meta.environment.cores} · Node ${mdCell(r.meta.environment.node)} · scenario ${mdCell(r.meta.scenarioHash.slice(0, 19))}</sub>`,
  ]
  return out.join('\n') + '\n'
}

/** The verdict, what ran, and the warnings a reader must see before any figure. */
function headingLines(r: Report): string[] {
  const s = r.scenario
  const out: string[] = []
  const verdict = r.meta.notRun ? '⛔ NOT RUN' : r.pass ? '✅ PASS' : '❌ FAIL'
  const measured = r.meta.notRun ? '' : ` · ${duration(r.summary.durationMs)} measured`
  out.push(`## ${verdict} · lbbench: ${mdCell(s.name)}`, '')
  out.push(`${mdCell(balancerLabel(r))} · ${replicasLabel(s.replicas)}${measured} · seed ${s.seed} · ${r.meta.startedAt}`, '')
  if (r.meta.tls) out.push(`TLS ${mdCell(r.meta.tls.protocol)} · ${mdCell(r.meta.tls.cipher)}${r.meta.target ? ` · load to ${mdCell(r.meta.target)}` : ''}`, '')
  if (r.meta.notRun) {
    out.push('> [!CAUTION]', '> **NOT RUN**: the run could not be carried out (exit 3); nothing was measured under load.', '')
    if (r.meta.error) out.push('```text', r.meta.error.message.replace(/```/g, "'''"), '```', '', ...(r.meta.error.hint ? [mdCell(r.meta.error.hint), ''] : []))
  } else if (r.meta.aborted) out.push(`> [!CAUTION]`, `> **ABORTED**${r.meta.abortReason ? `: ${mdCell(r.meta.abortReason)}` : ''}. The figures cover what was measured before the stop.`, '')
  if (r.meta.generator.saturated) out.push(`> [!WARNING]`, `> **SATURATED GENERATOR**: the load generator used ${num(r.meta.generator.cpuPct)}% CPU; the figures measure it, not the system.`, '')
  return out
}

function shardLines(r: Report): string[] {
  const rows = shardRows(r)
  if (rows.length === 0) return []
  return ['### Shards', '', ...mdTable(shardsHead, rows.map((row) => row.map(mdCell))), '', ...shardNotes(r).map((n) => `${mdCell(n)}`), '']
}

function summaryLines(r: Report): string[] {
  const q = r.summary.requests
  const e = r.summary.errors
  const out: string[] = ['### Summary', '']
  out.push(...mdTable(
    ['sent', 'completed', 'failed', 'error rate', 'throughput', 'bytes/s', 'duration'],
    [[count(q.sent), count(q.completed), count(q.failed), percent(r.summary.errorRate, 3), `${num(r.summary.throughput.rps, 1)} req/s`, bytesPerSec(r.summary.throughput.bytesPerSec), duration(r.summary.durationMs)]],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
  ), '')
  out.push(`Failures: connect ${count(e.connect)} · reset ${count(e.reset)} · timeout ${count(e.timeout)} · non-2xx ${count(e.non2xx)} · lost ${count(e.lost)}`, '')
  const opened = r.summary.throughput.connectionsPerSec
  const every = r.scenario.load.keepAliveRequests
  if (opened !== undefined) out.push(`New connections: ${num(opened, 1)}/s (load.keepAlive ${every === undefined ? 'false: one per request' : `{requests: ${every}}: one per ${every} requests`})`, '')
  const chart = overTimeChart(r, paint(false), 100)
  if (chart.length > 0) out.push('```text', ...chart.slice(1).map((l) => l.replace(/^ {2}/, '')), chart[0].replace(/^Over time \((.*)\)$/, '$1'), '```', '')
  return out
}

function latencyLines(r: Report): string[] {
  const l = r.summary.latencyUs
  return ['### Latency', '', ...mdTable(['p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'n'], [[ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max), ms(l.mean), count(l.count)]], ['r', 'r', 'r', 'r', 'r', 'r', 'r']), '']
}

function backendLines(r: Report): string[] {
  if (r.backends.length === 0) return []
  const out: string[] = []
  const optional = backendColumns(r)
  out.push('### Backends', '')
  out.push(...mdTable(
    ['backend', 'requests', 'share', 'errors', ...optional.map((o) => o.head), 'p50', 'p99', 'events'],
    r.backends.map((b) => [
      mdCell(b.id), count(b.requests), percent(b.share), count(b.errors),
      ...optional.map((o) => o.cell(b)),
      ms(b.latencyUs.p50), ms(b.latencyUs.p99),
      mdCell(b.events.map((ev) => `${ev.state} ${at(ev.atMs)}`).join(', ')),
    ]),
    ['l', 'r', 'r', 'r', ...optional.map(() => 'r' as const), 'r', 'r', 'l'],
  ), '')
  const legend = backendsLegend(r)
  if (legend) out.push(`<sub>${legend}</sub>`, '')
  if (r.fairness.over.length > 0) {
    const f = r.fairness
    out.push(`Fairness over ${f.over.map(mdCell).join(', ')}: Jain ${num(f.jain, 4)} · CV ${num(f.cv, 4)} · max/mean ${num(f.maxMean, 3)}`, '')
    for (const note of fairnessNoteTexts(r)) out.push('> [!NOTE]', `> ${mdCell(note)}`, '')
  }
  return out
}

function failoverLines(r: Report): string[] {
  if (r.failover.length === 0) return []
  return ['### Failover', '', ...mdTable(
    ['fault', 'target', 'at', 'ttd', 'failed', 'hidden', 'ttr'],
    r.failover.map((f) => [mdCell(f.fault), mdCell(f.target), at(f.atMs), duration(f.ttdMs), count(f.failed), count(f.hidden), duration(f.ttrMs)]),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
  ), '', ...(failoverSourcesText(r) ? [`_${failoverSourcesText(r)}_`, ''] : [])]
}


function baselineLines(r: Report): string[] {
  if (!r.baseline) return []
  const b = r.baseline
  const out: string[] = ['### Baseline', '', mdCell(baselineHeading(b)), '']
  for (const w of b.warnings) out.push('> [!WARNING]', `> ${mdCell(w)}`, '')
  out.push(...mdTable(
    ['', 'metric', 'baseline', 'current', 'change', '%', 'verdict'],
    b.rows.map((row) => {
      const verdict = rowVerdict(row)
      const mark = verdict === 'regression' ? '❌' : verdict === 'within noise' ? '〰️' : '✅'
      return [mark, mdCode(row.metric), baselineValue(row.metric, row.baseline), baselineValue(row.metric, row.current), signedDelta(row.metric, row.delta), signedPct(row), verdict === 'regression' ? '**regression**' : verdict]
    }),
    ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
  ), '')
  out.push('<sub>A regression is a change in the bad direction beyond the tolerance and beyond the per-second noise of both runs.</sub>', '')
  return out
}

/** The per-second table, folded away: long, and read only when a figure above needs explaining. */
function perSecondLines(r: Report): string[] {
  if (r.series.length === 0) return []
  const all = markers(r)
  const ids = r.backends.map((b) => b.id)
  const conns = openConnectionsChanged(r.series)
  return ['<details><summary>Per second</summary>', '', ...mdTable(
    ['t', 'sent', 'completed', 'failed', 'p99', ...(conns ? ['conns'] : []), ...ids.map(mdCell), 'events'],
    r.series.map((p) => [
      `${(p.tMs / 1000).toFixed(0)}s`, count(p.sent), count(p.completed), count(p.failed), ms(p.latencyUs.p99),
      ...(conns ? [count(p.openConnections)] : []),
      ...ids.map((id) => count(p.perBackend[id] ?? 0)),
      mdCell(markersIn(all, p.tMs).map((m) => (m.kind === 'fault' ? `⚡ ${m.label}` : m.label)).join(', ')),
    ]),
    ['r', 'r', 'r', 'r', 'r', ...(conns ? ['r' as const] : []), ...ids.map(() => 'r' as const), 'l'],
  ), '', '</details>', '']
}

/** The thresholds table; a worst-window column only when a threshold has windows, so other reports read as before. */
function thresholdsSection(r: Report): string[] {
  if (r.thresholds.length === 0) return []
  const windows = r.thresholds.some((t) => t.worstWindow)
  return [
    '### Thresholds',
    '',
    ...mdTable(
      ['', 'threshold', 'actual', ...(windows ? ['worst window'] : [])],
      r.thresholds.map((t) => [
        t.pass ? '✅' : '❌', mdCode(t.expr), formatMetricValue(thresholdMetric(t.expr), t.actual),
        ...(windows ? [t.worstWindow ? worstWindowText(t.worstWindow) : '–'] : []),
      ]),
      ['l', 'l', 'r', ...(windows ? ['l' as const] : [])],
    ),
    '',
  ]
}

/** Appends to GitHub Actions' job summary when the variable is set; returns whether it did. */
export async function appendStepSummary(md: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY
  if (!file) return false
  await appendFile(file, md.endsWith('\n') ? md + '\n' : md + '\n\n')
  return true
}
