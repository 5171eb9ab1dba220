// The comparison's page body: a tile per subject, the side-by-side table, charts and each subject's
// thresholds. In the table every subject after the first shows its change against the first in percent,
// green or red by the row's good direction; with repeated runs, each value also gets a bar of the range
// its runs spanned, on one scale per row, so overlapping ranges (no clear difference) can be seen at once.

import type {Report} from '../model/report.js'
import {compareRows, type ComparisonRow, type Spread} from '../metrics/compare.js'
import {comparisonTitle, formatSpread, repeatsNote, subjectHeading, verdictOfRow, type Comparison} from './comparison.js'
import {formatMetricValue, ms, rps, thresholdMetric, windowSpan} from './format.js'
import {comparisonCharts} from './html-charts.js'
import {card, chartFigures, htmlEscape, pageFooter, table, type Cell} from './html-parts.js'

/** `+12.0%`, `−3.4%`; coloured when the row has a better direction. */
export function deltaHtml(pct: number | null, better: ComparisonRow['better']): string {
  if (pct === null || !Number.isFinite(pct)) return ''
  const text = Math.abs(pct) < 0.05 ? '±0.0%' : `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`
  const good = better === 'higher' ? pct > 0 : pct < 0
  const tone = better === 'none' || Math.abs(pct) < 0.05 ? 'flat' : good ? 'up' : 'down'
  return `<span class="delta ${tone}">${text}</span>`
}

/** The range of a subject's runs as a bar on the row's scale [lo, hi], its mean as a tick. */
export function spreadBar(s: Spread | null, lo: number, hi: number, title: string): string {
  if (!s || s.n < 2 || !(hi > lo)) return ''
  const at = (v: number) => (((v - lo) / (hi - lo)) * 100).toFixed(1)
  return `<span class="spread" title="${htmlEscape(title)}"><span class="range" style="left:${at(s.min)}%;width:${(Number(at(s.max)) - Number(at(s.min))).toFixed(1)}%"></span><span class="mean" style="left:${at(s.mean)}%"></span></span>`
}

function rowCells(row: ComparisonRow, c: Comparison, repeats: boolean): Cell[] {
  const deltas = row.deltaPct
  const present = row.values.filter((v): v is Spread => v !== null)
  const lo = Math.min(...present.map((v) => v.min))
  const hi = Math.max(...present.map((v) => v.max))
  return row.values.map((v, i): Cell => {
    const {value, range} = formatSpread(row.unit, v)
    const shown = row.best === i ? `<b class="best">${htmlEscape(value)}</b>` : htmlEscape(value)
    const bar = repeats ? spreadBar(v, lo, hi, `${c.subjects[i].label}: ${v ? v.n : 0} runs, ${range || value}`) : ''
    return {html: [shown, range ? `<span class="muted">${htmlEscape(range)}</span>` : '', deltaHtml(deltas[i], row.better), bar].filter(Boolean).join(' ')}
  })
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

function subjectCards(c: Comparison): string[] {
  const mean = (reports: Report[], pick: (r: Report) => number) => reports.reduce((a, r) => a + pick(r), 0) / reports.length
  return c.subjects.map((s) => {
    const passed = s.reports.filter((r) => r.pass).length
    const verdict = `<span class="${passed === s.reports.length ? 'ok' : 'bad'}">${passed}/${s.reports.length} ${s.reports.length === 1 ? 'run' : 'runs'} passed</span>`
    return card(s.label, rps(mean(s.reports, (r) => r.summary.throughput.rps)), {html: `p99 ${htmlEscape(ms(mean(s.reports, (r) => r.summary.latencyUs.p99)))} · ${verdict}`})
  })
}

export function comparisonBody(c: Comparison): string {
  const rows = compareRows(c.subjects)
  const repeats = c.subjects.some((s) => s.reports.length > 1)
  const head = ['metric', ...c.subjects.map((s) => s.label), 'best']
  const body: Cell[][] = rows.map((row) => [row.label, ...rowCells(row, c, repeats), verdictOfRow(row, c.subjects)])
  const first = c.subjects[0]?.label ?? ''
  const notes = [
    `${repeatsNote(c)}. Bold is the best value of a row; “beyond spread” means its range of runs does not overlap any other subject's.`,
    c.subjects.length > 1 ? `The % beside a value is its change against ${first} (the first subject), green where that is better.` : '',
    repeats ? 'The bar under a value spans its runs (min–max) on one scale per row, the tick at their mean.' : '',
  ].filter(Boolean).join(' ')
  return [
    `<header><h1>lbbench compare · ${htmlEscape(comparisonTitle(c))}</h1>`,
    `<p class="meta">${htmlEscape(c.subjects.map(subjectHeading).join(' · '))}${c.createdAt ? ` · ${htmlEscape(c.createdAt)}` : ''}</p></header>`,
    ...(c.warnings ?? []).map((w) => `<div class="alert warn">${htmlEscape(w)}</div>`),
    `<section class="cards wide">${subjectCards(c).join('')}</section>`,
    `<h2>Side by side</h2><p class="muted">${htmlEscape(notes)}</p>`,
    table(head, body, (i) => i > 0 && i < head.length - 1, 'compare'),
    chartFigures(comparisonCharts(c)),
    '<p class="muted legend"><span class="swatch fault"></span> fault <span class="swatch health"></span> health change (from the first run)</p>',
    `<h2>Thresholds</h2>${c.subjects.map(subjectThresholds).join('\n')}`,
    c.subjects[0]?.reports[0] ? pageFooter(c.subjects[0].reports[0]) : '',
  ].filter(Boolean).join('\n')
}
