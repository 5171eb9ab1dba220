// The HTML report: one self-contained file that works offline. Chart.js (its UMD build) and the page's
// own script are inlined, and the report itself is embedded as JSON, so the file can be mailed, attached
// to a CI run, or opened years later with nothing else at hand. The tables are plain HTML (they read
// without JavaScript); only the charts need the script.

import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import type {Report} from '../model/report.js'
import {openConnectionsChanged} from '../metrics/series.js'
import {isComparison, comparisonTitle, type Comparison} from './comparison.js'
import {reportCharts, comparisonCharts} from './html-charts.js'
import {clientScript} from './html-client.js'
import {backendColumns} from './backend-columns.js'
import {backendsLegend} from './backends-legend.js'
import {comparisonBody} from './html-compare.js'
import {card, chartFigures, htmlEscape, pageFooter, table, type Cell} from './html-parts.js'
import {STYLE} from './html-style.js'
import {at, bytesPerSec, count, duration, fairnessNoteTexts, failoverSourcesText, formatMetricValue, ms, num, percent, rps, thresholdMetric, worstWindowText} from './format.js'
import {markers} from './markers.js'
import {balancerLabel} from './terminal.js'
import {shardNotes, shardRows, shardsHead} from './shards-view.js'
import {baselineHeading, baselineValue, rowVerdict, signedDelta, signedPct} from './baseline-view.js'
import {plural} from '../model/plural.js'
import {replicasLabel} from '../scenario/describe.js'

/** JSON that is safe inside <script>: no `</script>`, no `<!--`, no line separators JS would choke on. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

let chartJsSource: string | undefined

/** Chart.js's UMD build, read from the installed package at render time (its exports map hides dist/). */
export function chartJs(): string {
  if (chartJsSource === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js')
    chartJsSource = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script')
  }
  return chartJsSource
}

function thresholdsTable(r: Report): string {
  if (r.thresholds.length === 0) return '<p class="muted">No thresholds.</p>'
  // The worst-window column only when a threshold has windows.
  const windows = r.thresholds.some((t) => t.worstWindow)
  return table(['', 'threshold', 'actual', ...(windows ? ['worst window'] : [])], r.thresholds.map((t) => [
    {html: t.pass ? '<span class="ok">✔</span>' : '<span class="bad">✘</span>'},
    {html: `<code>${htmlEscape(t.expr)}</code>`},
    {html: t.pass ? htmlEscape(formatMetricValue(thresholdMetric(t.expr), t.actual)) : `<span class="bad">${htmlEscape(formatMetricValue(thresholdMetric(t.expr), t.actual))}</span>`},
    ...(windows ? [t.worstWindow ? worstWindowText(t.worstWindow) : '–'] : []),
  ]), (i) => i === 2, 'thresholds')
}

function baselineTable(r: Report): string {
  const b = r.baseline
  if (!b) return ''
  const rows: Cell[][] = b.rows.map((row) => {
    const verdict = rowVerdict(row)
    const tone = verdict === 'regression' ? 'bad' : verdict === 'within noise' ? 'warn' : 'ok'
    return [
      {html: `<span class="${tone}">${verdict === 'regression' ? '✘' : verdict === 'within noise' ? '~' : '✔'}</span>`},
      {html: `<code>${htmlEscape(row.metric)}</code>`},
      baselineValue(row.metric, row.baseline),
      baselineValue(row.metric, row.current),
      signedDelta(row.metric, row.delta),
      signedPct(row),
      {html: `<span class="${tone}" title="${htmlEscape(row.noise ?? '')}">${htmlEscape(verdict)}</span>`},
    ]
  })
  return `<h2>Baseline</h2><p class="muted">${htmlEscape(baselineHeading(b))}. A regression is a change in the bad direction beyond the tolerance and beyond the per-second noise of both runs (hover a verdict for the test).</p>` +
    b.warnings.map((w) => `<div class="alert warn">${htmlEscape(w)}</div>`).join('') +
    table(['', 'metric', 'baseline', 'current', 'change', '%', 'verdict'], rows, (i) => i >= 2 && i <= 5, 'baseline')
}

function backendsTable(r: Report): string {
  if (r.backends.length === 0) return ''
  const optional = backendColumns(r)
  const head = ['backend', 'requests', 'share', 'errors', ...optional.map((o) => o.head), 'p50', 'p99', 'events']
  const rows: Cell[][] = r.backends.map((b) => [
    b.id, count(b.requests), percent(b.share), count(b.errors),
    ...optional.map((o) => o.cell(b)),
    ms(b.latencyUs.p50), ms(b.latencyUs.p99),
    {html: `<span class="events">${htmlEscape(b.events.map((e) => `${e.state} ${at(e.atMs)}`).join(', '))}</span>`},
  ])
  const f = r.fairness
  const fairness = f.over.length > 0
    ? `<p>Fairness over ${htmlEscape(f.over.join(', '))} (up the whole time): Jain <b>${num(f.jain, 4)}</b> · CV ${num(f.cv, 4)} · max/mean ${num(f.maxMean, 3)} · min/mean ${num(f.minMean, 3)}</p>` +
      fairnessNoteTexts(r).map((note) => `<div class="alert warn">${htmlEscape(note)}</div>`).join('')
    : ''
  const legend = backendsLegend(r)
  return `<h2>Backends</h2>${table(head, rows, (i) => i > 0 && i < head.length - 1)}${legend ? `<p class="muted">${htmlEscape(legend)}</p>` : ''}${fairness}`
}

/** A merged run's shards (lbbench merge), with the same columns and notes as the Markdown report. */
function shardsTable(r: Report): string {
  const rows = shardRows(r)
  if (rows.length === 0) return ''
  // Host and saturated are words; the rest are figures.
  return '<h2>Shards</h2>' + table(shardsHead, rows, (i) => i !== 1 && i !== 4, 'shards') +
    shardNotes(r).map((n) => `<p class="muted">${htmlEscape(n)}</p>`).join('')
}

function failoverTable(r: Report): string {
  if (r.failover.length === 0) return ''
  return '<h2>Failover</h2>' + table(['fault', 'target', 'at', 'time to detect', 'balancer flip', 'failed', 'hidden', 'time to reintegrate', 'added p99'],
    r.failover.map((f) => [f.fault, f.target, at(f.atMs), duration(f.ttdMs), duration(f.ttdBalancerMs), count(f.failed), count(f.hidden), duration(f.ttrMs), f.addedP99Us == null ? '–' : `+${ms(f.addedP99Us)}`]), 2) +
    '<p class="muted">Time to detect: the fault until requests stopped going to the bad backend (its last one before 500 ms without any). Hidden: attempts that failed and were retried. Time to reintegrate: the end of the fault until ' +
    (r.failover.some((f) => f.sources?.ttr.until === 'first-response') ? 'its first response back.' : 'the backend gets ≥ 90% of its fair share.') +
    (failoverSourcesText(r) ? ` Measured: ${htmlEscape(failoverSourcesText(r)!)}.` : '') + '</p>'
}

function eventsTable(r: Report): string {
  const all = markers(r, true)
  if (all.length === 0) return ''
  return '<h2>Events</h2>' + table(['t', 'kind', 'event'], all.map((m) => [
    at(m.atMs, 3), {html: `<span class="tag ${m.kind}">${m.kind}</span>`}, m.text,
  ]), () => false, 'events')
}

function perSecondTable(r: Report): string {
  if (r.series.length === 0) return ''
  const ids = r.backends.map((b) => b.id)
  const all = markers(r)
  const conns = openConnectionsChanged(r.series)
  const head = ['t', 'sent', 'completed', 'failed', 'p50', 'p99', ...(conns ? ['conns'] : []), ...ids, 'events']
  return `<details><summary>Per second</summary>${table(head, r.series.map((p) => [
    `${(p.tMs / 1000).toFixed(0)}s`, count(p.sent), count(p.completed), count(p.failed), ms(p.latencyUs.p50), ms(p.latencyUs.p99),
    ...(conns ? [count(p.openConnections)] : []),
    ...ids.map((id) => count(p.perBackend[id] ?? 0)),
    all.filter((m) => m.atMs >= p.tMs && m.atMs < p.tMs + 1000).map((m) => m.label).join(', '),
  ]), (i) => i > 0 && i < head.length - 1)}</details>`
}

function alerts(r: Report): string {
  const out: string[] = []
  if (r.meta.aborted) out.push(`<div class="alert bad"><b>ABORTED</b>${r.meta.abortReason ? `: ${htmlEscape(r.meta.abortReason)}` : ''}. The figures cover what was measured before the stop.</div>`)
  if (r.meta.generator.saturated) out.push(`<div class="alert warn"><b>SATURATED GENERATOR</b>: the load generator used ${num(r.meta.generator.cpuPct)}% CPU; the figures measure it, not the system.</div>`)
  return out.join('\n')
}

function reportBody(r: Report): string {
  const s = r.summary
  const held = r.thresholds.filter((t) => t.pass).length
  const worstTtd = r.failover.map((f) => f.ttdMs).filter((x): x is number => x !== null)
  const cards = [
    card('Throughput', rps(s.throughput.rps), bytesPerSec(s.throughput.bytesPerSec)),
    card('Latency p50', ms(s.latencyUs.p50), `mean ${ms(s.latencyUs.mean)}`),
    card('Latency p99', ms(s.latencyUs.p99), `p99.9 ${ms(s.latencyUs.p999)} · max ${ms(s.latencyUs.max)}`),
    card('Failed', count(s.requests.failed), `${percent(s.errorRate, 3)} of ${count(s.requests.sent)} sent`, s.requests.failed > 0 ? 'bad' : ''),
    card('Fairness (Jain)', r.fairness.over.length > 0 ? num(r.fairness.jain, 4) : '–', `CV ${num(r.fairness.cv, 4)}`),
    ...(worstTtd.length > 0 ? [card('Time to detect', duration(Math.max(...worstTtd)), `${plural(r.failover.length, 'fault')} · ${count(r.failover.reduce((a, f) => a + f.failed, 0))} failed`)] : []),
    card('Thresholds', r.thresholds.length > 0 ? `${held} / ${r.thresholds.length}` : 'none', r.thresholds.length > 0 ? 'held' : '', held < r.thresholds.length ? 'bad' : ''),
  ]
  const e = s.errors
  return [
    `<header><h1>lbbench · ${htmlEscape(r.scenario.name)} <span class="badge ${r.pass ? 'pass' : 'fail'}">${r.pass ? 'PASS' : 'FAIL'}</span></h1>`,
    `<p class="meta">${htmlEscape([balancerLabel(r), replicasLabel(r.scenario.replicas), `${duration(s.durationMs)} measured`, `seed ${r.scenario.seed}`, r.meta.startedAt].join(' · '))}</p>`,
    r.scenario.description ? `<p class="muted">${htmlEscape(r.scenario.description)}</p>` : '',
    '</header>',
    alerts(r),
    `<section class="cards">${cards.join('')}</section>`,
    `<p class="muted">Failures: connect ${count(e.connect)} · reset ${count(e.reset)} · timeout ${count(e.timeout)} · non-2xx ${count(e.non2xx)} · lost ${count(e.lost)}. Latency n = ${count(s.latencyUs.count)}, timed from the ${r.meta.timing === 'intended-send' ? 'intended' : 'actual'} send.</p>`,
    chartFigures(reportCharts(r)),
    '<p class="muted legend"><span class="swatch fault"></span> fault <span class="swatch health"></span> health change (replica exit/ready, backend down/up)</p>',
    `<h2>Thresholds</h2>${thresholdsTable(r)}`,
    baselineTable(r),
    shardsTable(r),
    backendsTable(r),
    failoverTable(r),
    eventsTable(r),
    perSecondTable(r),
    pageFooter(r),
  ].filter(Boolean).join('\n')
}

/** The page for a report or a comparison. */
export function renderHtml(doc: Report | Comparison): string {
  const comparison = isComparison(doc)
  const title = comparison ? `lbbench compare · ${comparisonTitle(doc)}` : `lbbench · ${doc.scenario.name} · ${doc.pass ? 'PASS' : 'FAIL'}`
  const specs = comparison ? comparisonCharts(doc) : reportCharts(doc)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lbbench">
<title>${htmlEscape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${comparison ? comparisonBody(doc) : reportBody(doc)}
</main>
<script type="application/json" id="lbbench-${comparison ? 'comparison' : 'report'}">${scriptJson(doc)}</script>
<script type="application/json" id="lbbench-charts">${scriptJson(specs)}</script>
<script>${chartJs()}</script>
<script>
${clientScript()}
</script>
</body>
</html>
`
}
