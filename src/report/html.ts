// The HTML report: one self-contained file that works offline. Chart.js (its UMD build) and the page's
// own script are inlined, and the report itself is embedded as JSON, so the file can be mailed, attached
// to a CI run, or opened years later with nothing else at hand. The tables are plain HTML (they read
// without JavaScript); only the charts need the script.

import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import type {Report} from '../model/report.js'
import {isComparison, comparisonTitle, formatSpread, repeatsNote, subjectHeading, verdictOfRow, type Comparison} from './comparison.js'
import {compareRows} from '../metrics/compare.js'
import {reportCharts, comparisonCharts, type ChartSpec} from './html-charts.js'
import {clientScript} from './html-client.js'
import {at, bytesPerSec, count, duration, failoverSourcesText, formatMetricValue, ms, num, percent, rps, thresholdMetric, windowSpan, worstWindowText} from './format.js'
import {markers} from './markers.js'
import {balancerLabel} from './terminal.js'
import {baselineHeading, baselineValue, rowVerdict, signedDelta, signedPct} from './baseline-view.js'
import {plural} from '../model/plural.js'

export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

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

type Cell = string | {html: string}
const cell = (c: Cell) => (typeof c === 'string' ? htmlEscape(c) : c.html)

/** numeric: the first column index right-aligned, or a test per column index. */
function table(head: string[], rows: Cell[][], numeric: number | ((i: number) => boolean) = 1, className = ''): string {
  const isNum = typeof numeric === 'number' ? (i: number) => i >= numeric : numeric
  const th = head.map((h, i) => `<th${isNum(i) ? ' class="num"' : ''}>${htmlEscape(h)}</th>`).join('')
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${isNum(i) ? ' class="num"' : ''}>${cell(c)}</td>`).join('')}</tr>`).join('\n')
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

function card(label: string, value: string, sub: Cell = '', tone = ''): string {
  const subHtml = cell(sub)
  return `<div class="card${tone ? ` ${tone}` : ''}"><div class="label">${htmlEscape(label)}</div><div class="value">${htmlEscape(value)}</div>${subHtml ? `<div class="sub">${subHtml}</div>` : ''}</div>`
}

function chartFigures(specs: ChartSpec[]): string {
  return `<section class="charts">${specs.map((s) =>
    `<figure class="chart"><figcaption>${htmlEscape(s.title)}</figcaption><div class="canvas-wrap"><canvas id="chart-${s.id}" role="img" aria-label="${htmlEscape(s.title)}"></canvas></div></figure>`).join('\n')}</section>`
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
  const hasAttempts = r.backends.some((b) => b.attempts !== undefined)
  const head = ['backend', 'requests', 'share', 'errors', ...(hasAttempts ? ['attempts'] : []), 'p50', 'p99', 'events']
  const rows: Cell[][] = r.backends.map((b) => [
    b.id, count(b.requests), percent(b.share), count(b.errors),
    ...(hasAttempts ? [b.attempts === undefined ? '–' : count(b.attempts)] : []),
    ms(b.latencyUs.p50), ms(b.latencyUs.p99),
    {html: `<span class="events">${htmlEscape(b.events.map((e) => `${e.state} ${at(e.atMs)}`).join(', '))}</span>`},
  ])
  const f = r.fairness
  const fairness = f.over.length > 0
    ? `<p>Fairness over ${htmlEscape(f.over.join(', '))} (up the whole time): Jain <b>${num(f.jain, 4)}</b> · CV ${num(f.cv, 4)} · max/mean ${num(f.maxMean, 3)} · min/mean ${num(f.minMean, 3)}</p>`
    : ''
  return `<h2>Backends</h2>${table(head, rows, (i) => i > 0 && i < head.length - 1)}${fairness}`
}

function failoverTable(r: Report): string {
  if (r.failover.length === 0) return ''
  return '<h2>Failover</h2>' + table(['fault', 'target', 'at', 'time to detect', 'balancer flip', 'failed', 'hidden', 'time to reintegrate', 'added p99'],
    r.failover.map((f) => [f.fault, f.target, at(f.atMs), duration(f.ttdMs), duration(f.ttdBalancerMs), count(f.failed), count(f.hidden), duration(f.ttrMs), f.addedP99Us == null ? '–' : `+${ms(f.addedP99Us)}`]), 2) +
    '<p class="muted">Time to detect: the fault until requests stopped going to the bad backend (its last one before 500 ms without any). Hidden: attempts that failed and were retried. Time to reintegrate: the end of the fault until the backend gets ≥ 90% of its fair share.' +
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
  return `<details><summary>Per second</summary>${table(['t', 'sent', 'completed', 'failed', 'p50', 'p99', ...ids, 'events'], r.series.map((p) => [
    `${(p.tMs / 1000).toFixed(0)}s`, count(p.sent), count(p.completed), count(p.failed), ms(p.latencyUs.p50), ms(p.latencyUs.p99),
    ...ids.map((id) => count(p.perBackend[id] ?? 0)),
    all.filter((m) => m.atMs >= p.tMs && m.atMs < p.tMs + 1000).map((m) => m.label).join(', '),
  ]), (i) => i > 0 && i < ids.length + 6)}</details>`
}

function environment(r: Report): string {
  const e = r.meta.environment
  return `<footer>lbbench ${htmlEscape(r.meta.lbbench)} · ${htmlEscape(e.cpu)} × ${e.cores} · Node ${htmlEscape(e.node)} · ${htmlEscape(e.os)}${e.balancerVersion ? ` · ${htmlEscape(e.balancerVersion)}` : ''} · generator CPU ${num(r.meta.generator.cpuPct)}%${r.meta.proxy ? ` · proxy CPU ${num(r.meta.proxy.cpuPct)}%` : ''} · scenario ${htmlEscape(r.meta.scenarioFile)} (${htmlEscape(r.meta.scenarioHash.slice(0, 19))}) · seed ${r.meta.seed} · started ${htmlEscape(r.meta.startedAt)}</footer>`
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
    `<p class="meta">${htmlEscape([balancerLabel(r), `${plural(r.scenario.replicas.count, 'replica')} (${r.scenario.replicas.kind})`, `${duration(s.durationMs)} measured`, `seed ${r.scenario.seed}`, r.meta.startedAt].join(' · '))}</p>`,
    r.scenario.description ? `<p class="muted">${htmlEscape(r.scenario.description)}</p>` : '',
    '</header>',
    alerts(r),
    `<section class="cards">${cards.join('')}</section>`,
    `<p class="muted">Failures: connect ${count(e.connect)} · reset ${count(e.reset)} · timeout ${count(e.timeout)} · non-2xx ${count(e.non2xx)} · lost ${count(e.lost)}. Latency n = ${count(s.latencyUs.count)}, timed from the ${r.meta.timing === 'intended-send' ? 'intended' : 'actual'} send.</p>`,
    chartFigures(reportCharts(r)),
    '<p class="muted legend"><span class="swatch fault"></span> fault <span class="swatch health"></span> health change (replica exit/ready, backend down/up)</p>',
    `<h2>Thresholds</h2>${thresholdsTable(r)}`,
    baselineTable(r),
    backendsTable(r),
    failoverTable(r),
    eventsTable(r),
    perSecondTable(r),
    environment(r),
  ].filter(Boolean).join('\n')
}

/** One table per subject: a row per threshold, a column per run. */
function subjectThresholds(s: Comparison['subjects'][number]): string {
  const exprs = [...new Set(s.reports.flatMap((r) => r.thresholds.map((t) => t.expr)))]
  if (exprs.length === 0) return `<h3>${htmlEscape(s.label)}</h3><p class="muted">No thresholds.</p>`
  const head = ['threshold', ...s.reports.map((_, i) => (s.reports.length > 1 ? `run ${i + 1}` : 'actual'))]
  const rows: Cell[][] = exprs.map((expr) => [
    {html: `<code>${htmlEscape(expr)}</code>`},
    ...s.reports.map((r): Cell => {
      const t = r.thresholds.find((x) => x.expr === expr)
      if (!t) return '–'
      const v = htmlEscape(formatMetricValue(thresholdMetric(expr), t.actual) + (t.worstWindow ? ` at ${windowSpan(t.worstWindow)}` : ''))
      return {html: t.pass ? `<span class="ok">✔</span> ${v}` : `<span class="bad">✘ ${v}</span>`}
    }),
  ])
  return `<h3>${htmlEscape(s.label)}</h3>${table(head, rows, 1, 'thresholds')}`
}

function comparisonBody(c: Comparison): string {
  const rows = compareRows(c.subjects)
  const subjects = c.subjects.map((s) => {
    const passed = s.reports.filter((r) => r.pass).length
    const rpsMean = s.reports.reduce((a, r) => a + r.summary.throughput.rps, 0) / s.reports.length
    const p99Mean = s.reports.reduce((a, r) => a + r.summary.latencyUs.p99, 0) / s.reports.length
    const verdict = `<span class="${passed === s.reports.length ? 'ok' : 'bad'}">${passed}/${s.reports.length} ${s.reports.length === 1 ? 'run' : 'runs'} passed</span>`
    return card(s.label, rps(rpsMean), {html: `p99 ${htmlEscape(ms(p99Mean))} · ${verdict}`})
  })
  const head = ['metric', ...c.subjects.map((s) => s.label), 'best']
  const body: Cell[][] = rows.map((row) => [
    row.label,
    ...row.values.map((v, i): Cell => {
      const {value, range} = formatSpread(row.unit, v)
      const shown = row.best === i ? `<b class="best">${htmlEscape(value)}</b>` : htmlEscape(value)
      return {html: range ? `${shown} <span class="muted">${htmlEscape(range)}</span>` : shown}
    }),
    verdictOfRow(row, c.subjects),
  ])
  return [
    `<header><h1>lbbench compare · ${htmlEscape(comparisonTitle(c))}</h1>`,
    `<p class="meta">${htmlEscape(c.subjects.map(subjectHeading).join(' · '))}${c.createdAt ? ` · ${htmlEscape(c.createdAt)}` : ''}</p></header>`,
    ...(c.warnings ?? []).map((w) => `<div class="alert warn">${htmlEscape(w)}</div>`),
    `<section class="cards wide">${subjects.join('')}</section>`,
    `<h2>Side by side</h2><p class="muted">${htmlEscape(repeatsNote(c))}. Bold is the best value of a row; “beyond spread” means its range of runs does not overlap any other subject's.</p>`,
    table(head, body, (i) => i > 0 && i < head.length - 1, 'compare'),
    chartFigures(comparisonCharts(c)),
    '<p class="muted legend"><span class="swatch fault"></span> fault <span class="swatch health"></span> health change (from the first run)</p>',
    `<h2>Thresholds</h2>${c.subjects.map(subjectThresholds).join('\n')}`,
    c.subjects[0]?.reports[0] ? environment(c.subjects[0].reports[0]) : '',
  ].filter(Boolean).join('\n')
}

const STYLE = `
:root{--fg:#1d232b;--muted:#5f6b7a;--line:#e3e7ec;--bg:#f7f8fa;--ok:#1e8e3e;--bad:#c0392b;--warn:#b9770e}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 4px;display:flex;align-items:center;gap:10px}
h2{font-size:16px;margin:28px 0 8px}
h3{font-size:14px;margin:14px 0 6px}
.meta,.muted{color:var(--muted)}
.meta{margin:0 0 4px}
.badge{font-size:13px;padding:2px 10px;border-radius:12px;color:#fff;letter-spacing:.04em}
.badge.pass{background:var(--ok)}.badge.fail{background:var(--bad)}
.alert{margin:12px 0;padding:10px 14px;border-radius:6px;border:1px solid}
.alert.bad{background:#fdecea;border-color:#f5c2bd;color:#7f1d12}
.alert.warn{background:#fff6e0;border-color:#f3d48b;color:#6b4a00}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:16px 0 8px}
.cards.wide{grid-template-columns:repeat(auto-fill,minmax(260px,1fr))}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{white-space:nowrap;font-size:20px;font-weight:600;margin-top:2px;font-variant-numeric:tabular-nums}
.card .sub{color:var(--muted);font-size:12px}
.card.bad .value{color:var(--bad)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:14px;margin-top:14px}
.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.chart figcaption{font-weight:600;margin-bottom:6px}
.canvas-wrap{position:relative;height:280px}
.legend{font-size:12px}
.swatch{display:inline-block;width:14px;height:0;border-top:2px solid;vertical-align:middle;margin-left:8px}
.swatch.fault{border-color:var(--bad)}.swatch.health{border-color:#e67e22;border-top-style:dashed}
table{border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:8px;font-variant-numeric:tabular-nums;min-width:40%}
th,td{padding:5px 12px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:#f0f2f5;font-weight:600;font-size:12px}
td.num,th.num{text-align:right}
td .events{white-space:normal}
tbody tr:last-child td{border-bottom:0}
.ok{color:var(--ok);font-weight:700}.bad{color:var(--bad);font-weight:700}.warn{color:var(--warn);font-weight:700}
b.best{color:var(--ok)}
.tag{font-size:11px;padding:1px 6px;border-radius:4px;background:#eef1f4}
.tag.fault{background:#fdecea;color:var(--bad)}.tag.health{background:#fff1e0;color:#9a5b00}
details{margin-top:20px}summary{cursor:pointer;font-weight:600}
details table{margin-top:8px}
footer{margin-top:30px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}
`

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
