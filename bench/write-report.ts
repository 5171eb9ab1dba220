// Writes the bench's results as reports/bench/<date>.json and .md. Each file is written to a temporary
// name beside it and renamed into place, so a reader never sees half a report.

import {mkdir, rename, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {BenchReport, Figure} from './figures.js'

export async function writeBenchReport(dir: string, report: BenchReport): Promise<{json: string; md: string}> {
  await mkdir(dir, {recursive: true})
  const stem = report.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')
  const json = join(dir, `${stem}.json`)
  const md = join(dir, `${stem}.md`)
  await atomicWrite(json, JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n')
  await atomicWrite(md, renderBenchMarkdown(report))
  return {json, md}
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, text)
  await rename(tmp, file)
}

export function renderBenchMarkdown(r: BenchReport): string {
  const lines = [
    `# lbbench bench, ${r.startedAt}`,
    '',
    `\`${r.command}\` · ${r.options.rounds} rounds · ${r.options.subjectSeconds} s per subject per round` +
      (r.options.only.length ? ` · only ${r.options.only.join(', ')}` : ''),
    '',
    `${r.environment.cpu} × ${r.environment.cores} · Node ${r.environment.node} · ${r.environment.os} · ` +
      `load average at start ${r.environment.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`,
    '',
    Object.entries(r.environment.tools)
      .map(([k, v]) => `${k}: ${v}`)
      .join(' · '),
    '',
    ...(r.environment.staleBuild ? ['**dist/ was older than src/**: start-up and memory measured an out-of-date build.', ''] : []),
    'Each figure is the median over the rounds; the ratio is the median of the per-round ratios to the baseline measured in the same round.',
    ...(r.measurements.some((m) => m.figures.some((f) => f.interval)) ? ["A range in brackets after a judged figure is its 90% confidence interval from the rounds (the 5th and 95th percentiles of the figure over 2,000 resamples of the rounds, seeded): how well the rounds pin it down."] : []),
    ...(r.measurements.some((m) => m.figures.some((f) => f.close)) ? ["A result marked close has its target's limit within that interval: the rounds do not tell whether it is met, and another run may well come out the other way."] : []),
    '',
  ]
  for (const m of r.measurements) {
    lines.push(`## ${m.title}`, '', '| figure | value | ratio | target | result | rounds |', '|---|---:|---:|---|---|---|')
    for (const f of m.figures) lines.push(row(f))
    lines.push('')
    for (const n of m.notes) lines.push(`- ${n}`)
    lines.push('', `(${m.seconds.toFixed(0)} s)`, '')
  }
  return lines.join('\n')
}

function row(f: Figure): string {
  const value = (f.value === null ? '—' : `${fmt(f.value)} ${f.unit}`) + (f.interval ? ` [${fmt(f.interval[0])}–${fmt(f.interval[1])}]` : '')
  const ratio = f.ratio === undefined || f.ratio === null ? '' : `${fmt(f.ratio)}× ${f.ratioTo ?? ''}`.trim()
  const result = (f.pass === undefined ? '' : f.pass === null ? 'n/a' : f.pass ? 'PASS' : 'MISS') + (f.close ? ', close' : '')
  const rounds = f.rounds ? f.rounds.map((v) => (Number.isFinite(v) ? fmt(v) : '—')).join(', ') : ''
  const name = (f.note ? `${f.name} (${f.note})` : f.name).replace(/\|/g, '\\|')
  return `| ${name} | ${value} | ${ratio} | ${f.target ?? ''} | ${result} | ${rounds} |`
}

export function fmt(v: number): string {
  const abs = Math.abs(v)
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US')
  if (abs >= 100) return v.toFixed(0)
  if (abs >= 10) return v.toFixed(1)
  if (abs >= 1) return v.toFixed(2)
  return v.toFixed(3)
}
