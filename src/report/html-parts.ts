// The small building blocks of the HTML report's pages: escaping, tables, the tiles at the top and the
// chart frames. Shared by the report's page (html.ts) and the comparison's (html-compare.ts).

import type {Report} from '../model/report.js'
import type {ChartSpec} from './html-chart-spec.js'
import {num} from './format.js'

export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** Text (escaped here) or HTML made by the caller. */
export type Cell = string | {html: string}
export const cell = (c: Cell) => (typeof c === 'string' ? htmlEscape(c) : c.html)

/** numeric: the first column index right-aligned, or a test per column index. */
export function table(head: string[], rows: Cell[][], numeric: number | ((i: number) => boolean) = 1, className = ''): string {
  const isNum = typeof numeric === 'number' ? (i: number) => i >= numeric : numeric
  const th = head.map((h, i) => `<th${isNum(i) ? ' class="num"' : ''}>${htmlEscape(h)}</th>`).join('')
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${isNum(i) ? ' class="num"' : ''}>${cell(c)}</td>`).join('')}</tr>`).join('\n')
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

/**
 * A tile's figure: a number and its unit (`12,935.6 req/s`) as two pieces that each stay whole, so a
 * narrow tile wraps the unit onto a line of its own instead of letting the figure run out of the tile.
 */
function tileValue(value: string): string {
  const m = /^([-+]?[\d.,]+)\s+(\p{L}.*)$/u.exec(value)
  if (!m) return `<span class="figure">${htmlEscape(value)}</span>`
  return `<span class="figure">${htmlEscape(m[1])}</span> <span class="unit">${htmlEscape(m[2])}</span>`
}

export function card(label: string, value: string, sub: Cell = '', tone = ''): string {
  const subHtml = cell(sub)
  return `<div class="card${tone ? ` ${tone}` : ''}"><div class="label">${htmlEscape(label)}</div><div class="value">${tileValue(value)}</div>${subHtml ? `<div class="sub">${subHtml}</div>` : ''}</div>`
}

export function chartFigures(specs: ChartSpec[]): string {
  return `<section class="charts">${specs.map((s) =>
    `<figure class="chart"><figcaption>${htmlEscape(s.title)}</figcaption><div class="canvas-wrap"><canvas id="chart-${s.id}" role="img" aria-label="${htmlEscape(s.title)}"></canvas></div></figure>`).join('\n')}</section>`
}

/** The page's footer: what the run was measured with and on. */
export function pageFooter(r: Report): string {
  const e = r.meta.environment
  return `<footer>lbbench ${htmlEscape(r.meta.lbbench)} · ${htmlEscape(e.cpu)} × ${e.cores} · Node ${htmlEscape(e.node)} · ${htmlEscape(e.os)}${e.balancerVersion ? ` · ${htmlEscape(e.balancerVersion)}` : ''} · generator CPU ${num(r.meta.generator.cpuPct)}%${r.meta.proxy ? ` · proxy CPU ${num(r.meta.proxy.cpuPct)}%` : ''} · scenario ${htmlEscape(r.meta.scenarioFile)} (${htmlEscape(r.meta.scenarioHash.slice(0, 19))}) · seed ${r.meta.seed} · started ${htmlEscape(r.meta.startedAt)}</footer>`
}
