// JUnit XML, so CI systems list which gate failed: one test suite per run (`lbbench.<scenario>`), one test
// case per threshold with the expected and the actual value; the summary figures as properties. A run
// without thresholds is one test case, `run completed`, failing only when the run was aborted. A run
// merged from shards (lbbench merge) lists them in the properties and the system-out, and each shard
// missing from a partial merge is a skipped test case, so the CI's test view shows it. CI
// reporters key test cases on classname and name, so in a comparison both carry the subject (and the
// run): otherwise every subject's `errors.rate < 1%` would be merged into one.

import type {Report} from '../model/report.js'
import type {Comparison} from './comparison.js'
import {count, formatMetricValue, ms, num, percent, thresholdMetric, worstWindowText} from './format.js'
import {baselineValue, signedDelta, signedPct} from './baseline-view.js'
import {shardNotes, shardRows, shardsHead} from './shards-view.js'

/** Escapes text for XML attributes and content; drops characters XML 1.0 does not allow. */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex -- these are the control characters XML 1.0 does not allow
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('')
}

function properties(r: Report): Array<[string, string]> {
  const s = r.summary
  return [
    ['lbbench.version', r.meta.lbbench],
    ['scenario.file', r.meta.scenarioFile],
    ['scenario.hash', r.meta.scenarioHash],
    ['seed', String(r.meta.seed)],
    ['balancer', `${r.scenario.balancer.kind} ${r.scenario.balancer.strategy}`],
    ['requests.sent', String(s.requests.sent)],
    ['requests.completed', String(s.requests.completed)],
    ['requests.failed', String(s.requests.failed)],
    ['errors.rate', String(s.errorRate)],
    ['throughput.rps', String(s.throughput.rps)],
    ['latency.p50.us', String(s.latencyUs.p50)],
    ['latency.p99.us', String(s.latencyUs.p99)],
    ['latency.p999.us', String(s.latencyUs.p999)],
    ['latency.max.us', String(s.latencyUs.max)],
    ['fairness.jain', String(r.fairness.jain)],
    ['generator.saturated', String(r.meta.generator.saturated)],
    ...(r.meta.aborted ? [['aborted', r.meta.abortReason ?? 'true'] as [string, string]] : []),
    ...shardProperties(r),
  ]
}

/** A merged run: how many shards, which were missing, the skew bound, and each shard's row. */
function shardProperties(r: Report): Array<[string, string]> {
  const g = r.meta.generator
  if (!g.shards) return []
  const missing = g.missing ?? []
  return [
    ['shards', String(g.shards.length)],
    ['shards.of', String(g.shards.length + missing.length)],
    ...(missing.length > 0 ? [['shards.missing', missing.join(',')] as [string, string]] : []),
    ['shards.skewBoundMs', String(g.skewBoundMs ?? 0)],
    ...g.shards.flatMap((s): Array<[string, string]> => [
      [`shard.${s.index}.host`, s.host],
      [`shard.${s.index}.requests`, String(s.requests)],
      [`shard.${s.index}.cpuPct`, String(s.cpuPct)],
      [`shard.${s.index}.saturated`, String(s.saturated)],
      [`shard.${s.index}.lateMs`, String(s.lateMs)],
      [`shard.${s.index}.clockOffsetMs`, s.clockOffsetMs === null ? 'unknown' : String(s.clockOffsetMs)],
      ...(s.error ? [[`shard.${s.index}.error`, s.error] as [string, string]] : []),
    ]),
  ]
}

interface Case {
  name: string
  /** Defaults to the suite's name. */
  classname?: string
  failure?: {message: string; body: string; type?: string}
  /** Not measured (a shard missing from a partial merge): counted as skipped, not as failed. */
  skipped?: string
}

/** One run's test suite: `lbbench.<scenario>`, or `lbbench.<scenario>.<subject>[.runN]` in a comparison. */
interface Suite {
  report: Report
  name: string
  /** Put before every test case's name (`round-robin run 2: `), so that a comparison's runs stay apart. */
  casePrefix?: string
}

function cases(s: Suite): Case[] {
  return [...thresholdCases(s.report), ...baselineCases(s.report, s.name), ...missingShardCases(s.report, s.name)].map((c) => ({...c, name: `${s.casePrefix ?? ''}${c.name}`}))
}

/** One test case per metric compared with --baseline, failing when it regressed. */
function baselineCases(r: Report, suiteName: string): Case[] {
  const b = r.baseline
  if (!b) return []
  return b.rows.map((row) => {
    const change = `${baselineValue(row.metric, row.baseline)} → ${baselineValue(row.metric, row.current)} (${signedDelta(row.metric, row.delta)}, ${signedPct(row)})`
    return {
      name: `baseline ${row.metric}`,
      classname: `${suiteName}.baseline`,
      failure: row.regression ? {
        type: 'regression',
        message: `${row.metric} regressed: ${change}, beyond the tolerance of ${percent(b.tolerance, 1)} and the noise`,
        body: `baseline: ${baselineValue(row.metric, row.baseline)} (${b.file})\ncurrent:  ${baselineValue(row.metric, row.current)}\nchange:   ${signedDelta(row.metric, row.delta)} (${signedPct(row)})\nnoise:    ${row.noise ?? ''}`,
      } : undefined,
    }
  })
}

/** One skipped test case per shard a partial merge (lbbench merge --partial) did not have. */
function missingShardCases(r: Report, suiteName: string): Case[] {
  const g = r.meta.generator
  const missing = g.missing ?? []
  const of = (g.shards?.length ?? 0) + missing.length
  return missing.map((index) => ({
    name: `shard ${index}`,
    classname: `${suiteName}.shards`,
    skipped: `shard ${index} of ${of} missing (lbbench merge --partial): the figures cover the other shards only`,
  }))
}

function thresholdCases(r: Report): Case[] {
  if (r.thresholds.length === 0) {
    return [{
      name: 'run completed',
      failure: r.meta.aborted ? {message: `run aborted${r.meta.abortReason ? `: ${r.meta.abortReason}` : ''}`, body: summaryText(r)} : undefined,
    }]
  }
  return r.thresholds.map((t) => {
    const actual = formatMetricValue(thresholdMetric(t.expr), t.actual)
    const worst = t.worstWindow ? worstWindowText(t.worstWindow) : undefined
    const lines = [
      `expected: ${t.expr}`,
      `actual:   ${actual}`,
      ...(worst ? [`worst window: ${worst}`] : []),
      ...(t.detail ? [t.detail] : []),
      ...(r.meta.aborted ? [`run aborted${r.meta.abortReason ? `: ${r.meta.abortReason}` : ''}`] : []),
    ]
    return {
      name: t.expr,
      failure: t.pass ? undefined : {
        message: `expected ${t.expr}, actual ${actual}${worst ? ` in the worst window, ${worst}` : ''}`,
        body: lines.join('\n'),
      },
    }
  })
}

function summaryText(r: Report): string {
  const s = r.summary
  return `sent ${count(s.requests.sent)}, completed ${count(s.requests.completed)}, failed ${count(s.requests.failed)} (${percent(s.errorRate, 3)}); ` +
    `${num(s.throughput.rps)} req/s; p50 ${ms(s.latencyUs.p50)}, p99 ${ms(s.latencyUs.p99)}`
}

function testsuite(suite: Suite, pad: string): string[] {
  const {report: r, name} = suite
  const all = cases(suite)
  const failures = all.filter((c) => c.failure).length
  const skipped = all.filter((c) => c.skipped !== undefined).length
  const seconds = (r.summary.durationMs / 1000).toFixed(3)
  const out = [
    `${pad}<testsuite${attrs({name, tests: all.length, failures, errors: 0, skipped, time: seconds, timestamp: r.meta.startedAt.replace(/Z$/, '')})}>`,
    `${pad}  <properties>`,
    ...properties(r).map(([k, v]) => `${pad}    <property${attrs({name: k, value: v})}/>`),
    `${pad}  </properties>`,
  ]
  for (const c of all) out.push(...testcase(c, name, pad))
  out.push(`${pad}  <system-out>${xmlEscape([summaryText(r), ...shardLines(r)].join('\n'))}</system-out>`, `${pad}</testsuite>`)
  return out
}

function testcase(c: Case, suiteName: string, pad: string): string[] {
  const open = `${pad}  <testcase${attrs({name: c.name, classname: c.classname ?? suiteName, time: 0})}`
  if (c.failure) {
    return [
      `${open}>`,
      `${pad}    <failure${attrs({message: c.failure.message, type: c.failure.type ?? 'threshold'})}>${xmlEscape(c.failure.body)}</failure>`,
      `${pad}  </testcase>`,
    ]
  }
  if (c.skipped !== undefined) return [`${open}>`, `${pad}    <skipped${attrs({message: c.skipped})}/>`, `${pad}  </testcase>`]
  return [`${open}/>`]
}

/** A merged run's shards as the Markdown table says them, one line a shard, then its notes (skew, missing). */
function shardLines(r: Report): string[] {
  const rows = shardRows(r).map((row) => `${shardsHead[0]} ${row[0]}: ${row.slice(1).map((v, i) => `${shardsHead[i + 1]} ${v}`).join(' · ')}`)
  return [...rows, ...shardNotes(r)]
}

function document(suites: Suite[], name: string): string {
  const tests = suites.reduce((a, s) => a + cases(s).length, 0)
  const failures = suites.reduce((a, s) => a + cases(s).filter((c) => c.failure).length, 0)
  const time = suites.reduce((a, s) => a + s.report.summary.durationMs, 0) / 1000
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({name, tests, failures, errors: 0, time: time.toFixed(3)})}>`,
    ...suites.flatMap((s) => testsuite(s, '  ')),
    '</testsuites>',
    '',
  ].join('\n')
}

export function renderJunit(r: Report): string {
  return document([{report: r, name: `lbbench.${r.scenario.name}`}], 'lbbench')
}

/**
 * A comparison: one test suite per run, named after its subject (and run number with repeats); the
 * suite's name is its test cases' classname, and each case's name starts with the subject.
 */
export function renderComparisonJunit(c: Comparison): string {
  const suites = c.subjects.flatMap((s) => s.reports.map((report, i): Suite => {
    const repeats = s.reports.length > 1
    return {
      report,
      name: `lbbench.${report.scenario.name}.${s.label}${repeats ? `.run${i + 1}` : ''}`,
      casePrefix: `${s.label}${repeats ? ` run ${i + 1}` : ''}: `,
    }
  }))
  return document(suites, 'lbbench compare')
}
