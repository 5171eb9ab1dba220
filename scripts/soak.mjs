#!/usr/bin/env node
// npm run soak [-- --minutes N] [-- --scenario file]
// Runs scenarios/soak.yaml (30 minutes, a fault every minute) through the compiled CLI (`npm run build`
// first) and watches the run from outside: every 15 s, the resident memory (RSS) and open file
// descriptors of the orchestrator, the load generator and the built-in proxy, and the number of the run's
// processes. The closing note compares the first sample of the measured phase with the last one, so a leak
// that grows with every fault shows. Writes reports/soak/<time>.json and .md; the run's own report goes
// to reports/soak/runs/. Not part of the tests or CI.
//
// --minutes N keeps the first N minutes of the measured phase and the faults that fit in them.
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {parse, stringify} from 'yaml'

const root = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback
}
const minutes = Number(flag('minutes', '30'))
if (!(minutes > 0)) {
  console.error('--minutes must be a positive number')
  process.exit(2)
}
const scenarioFile = resolve(flag('scenario', join(root, 'scenarios', 'soak.yaml')))
const outDir = resolve(flag('out', join(root, 'reports', 'soak')))
const bin = join(root, 'bin', 'run.js')
if (!existsSync(join(root, 'dist', 'commands', 'run.js'))) {
  console.error('the CLI is not built: npm run build')
  process.exit(2)
}

// The scenario, cut to --minutes: the measured phase shortened, faults that would not fit dropped.
const doc = parse(readFileSync(scenarioFile, 'utf8'))
const toMs = (d) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(d))
  if (!m) throw new Error(`cannot read the duration ${d}`)
  return Number(m[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[m[2]]
}
const measured = doc.load.phases.filter((p) => p.measure !== false)
const fullMs = measured.reduce((n, p) => n + toMs(p.duration), 0)
const keepMs = Math.min(fullMs, minutes * 60_000)
if (keepMs < fullMs) {
  let left = keepMs
  for (const p of measured) {
    const ms = Math.min(toMs(p.duration), left)
    p.duration = `${Math.max(1000, ms) / 1000}s`
    left -= ms
  }
  doc.load.phases = doc.load.phases.filter((p) => p.measure === false || toMs(p.duration) > 0)
  doc.faults = (doc.faults ?? []).filter((f) => toMs(f.at) + (f.for ? toMs(f.for) : 0) < keepMs)
}
const work = mkdtempSync(join(tmpdir(), 'lbbench-soak-'))
const runFile = join(work, 'soak.yaml')
writeFileSync(runFile, stringify(doc))

// /proc readers (Linux).
function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
    return {state: f[0], ppid: Number(f[1])}
  } catch {
    return undefined
  }
}
function rssKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN)
  } catch {
    return NaN
  }
}
function fds(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return NaN
  }
}
function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ')
  } catch {
    return ''
  }
}
/** The process and everything below it (not zombies). */
function descendants(pid) {
  const children = new Map()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const s = stat(name)
    if (!s || s.state === 'Z') continue
    if (!children.has(s.ppid)) children.set(s.ppid, [])
    children.get(s.ppid).push(Number(name))
  }
  const out = []
  const walk = (p) => {
    out.push(p)
    for (const c of children.get(p) ?? []) walk(c)
  }
  walk(pid)
  return out
}
function socketCount(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')
      } catch {
        return false
      }
    }).length
  } catch {
    return NaN
  }
}

function sample(orchestrator, phase) {
  const all = descendants(orchestrator)
  const find = (entry) => all.filter((p) => cmdline(p).includes(entry))
  const part = (pids) => ({
    pids,
    rssMb: Math.round(pids.reduce((n, p) => n + rssKb(p), 0) / 102.4) / 10,
    fds: pids.reduce((n, p) => n + fds(p), 0),
    sockets: pids.reduce((n, p) => n + socketCount(p), 0),
  })
  return {
    atMs: Date.now() - startedAt,
    phase,
    processes: all.length,
    orchestrator: part([orchestrator]),
    generator: part(find('load/generator/main')),
    proxy: part(find('proxy/main')),
    replicas: part(all.filter((p) => /replicas\/(app|cluster)/.test(cmdline(p)))),
  }
}

mkdirSync(join(outDir, 'runs'), {recursive: true})
const startedAt = Date.now()
console.error(`soak: ${keepMs / 60_000} min measured, ${(doc.faults ?? []).length} faults (scenario ${runFile})`)
const child = spawn(process.execPath, [bin, 'run', runFile, '--json', '--out', join(outDir, 'runs')], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']})
let stdout = ''
let phase = 'start-up'
child.stdout.on('data', (d) => (stdout += d))
child.stderr.on('data', (d) => {
  const m = /phase (\S+) started/.exec(String(d))
  if (m) phase = m[1]
  process.stderr.write(d)
})
const samples = []
const measuredPhase = measured[0]?.name
let first
const take = () => {
  if (child.exitCode !== null) return
  const s = sample(child.pid, phase)
  samples.push(s)
  if (!first && s.phase === measuredPhase) first = s
}
// The first sample a few seconds into the measured phase, then every 15 s.
const waitFirst = setInterval(() => {
  if (phase === measuredPhase) {
    clearInterval(waitFirst)
    setTimeout(take, 3000)
  }
}, 200)
const every = setInterval(take, 15_000)
// The last one just before the load ends (after it, teardown has started to stop things).
let lastTimer
const armLast = setInterval(() => {
  if (phase !== measuredPhase) return
  clearInterval(armLast)
  lastTimer = setTimeout(take, Math.max(4000, keepMs - 3000))
}, 200)

const code = await new Promise((r) => child.on('close', (c, sig) => r(c ?? (sig ? 128 : 1))))
clearInterval(every)
clearInterval(waitFirst)
clearInterval(armLast)
clearTimeout(lastTimer)

// The last sample taken while the run's parts were still up: once teardown starts they go one by one.
const last = [...samples].reverse().find((s) => s.phase === measuredPhase && s.generator?.rssMb > 0 && s.proxy?.rssMb > 0)
let report
try {
  report = JSON.parse(stdout)
} catch {
  report = undefined
}
const change = (key, field) => (first && last ? Math.round((last[key][field] - first[key][field]) * 10) / 10 : undefined)
const result = {
  startedAt: new Date(startedAt).toISOString(),
  minutes: keepMs / 60_000,
  faults: (doc.faults ?? []).length,
  exitCode: code,
  run: report && {
    pass: report.pass,
    aborted: report.meta?.aborted ?? false,
    sent: report.summary.requests.sent,
    completed: report.summary.requests.completed,
    failed: report.summary.requests.failed,
    rps: report.summary.throughput.rps,
    p99Us: report.summary.latencyUs.p99,
    // Ready again after a fault (the start-up ones are before t = 0).
    restarts: report.timeline.filter((e) => e.kind === 'replica-ready' && e.atMs >= 0).length,
    faultsApplied: report.timeline.filter((e) => e.kind === 'fault').length,
    faultErrors: report.timeline.filter((e) => e.kind === 'fault-error').map((e) => e.detail),
  },
  start: first,
  end: last,
  growth: {
    orchestratorRssMb: change('orchestrator', 'rssMb'),
    generatorRssMb: change('generator', 'rssMb'),
    proxyRssMb: change('proxy', 'rssMb'),
    orchestratorFds: change('orchestrator', 'fds'),
    generatorFds: change('generator', 'fds'),
    proxyFds: change('proxy', 'fds'),
    processes: first && last ? last.processes - first.processes : undefined,
  },
  samples,
}

const stamp = new Date(startedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
const base = join(outDir, stamp)
writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + '\n')
const row = (name, key) =>
  first && last ? `| ${name} | ${first[key].rssMb} | ${last[key].rssMb} | ${first[key].fds} | ${last[key].fds} |` : `| ${name} | – | – | – | – |`
const md = [
  `# Soak ${result.startedAt}`,
  '',
  `${result.minutes} min measured, ${result.faults} faults, exit code ${code}.` +
    (result.run ? ` ${result.run.completed} requests completed, ${result.run.failed} failed, ${result.run.rps.toFixed(0)} req/s, p99 ${(result.run.p99Us / 1000).toFixed(1)} ms; ${result.run.faultsApplied} faults applied, ${result.run.restarts} replicas ready again.` : ''),
  '',
  '## Start and end of the measured phase',
  '',
  '| process | RSS start (MB) | RSS end (MB) | fds start | fds end |',
  '|---|---|---|---|---|',
  row('orchestrator', 'orchestrator'),
  row('load generator', 'generator'),
  row('built-in proxy', 'proxy'),
  row('replicas (all)', 'replicas'),
  '',
  `Processes of the run: ${first?.processes ?? '–'} at the start, ${last?.processes ?? '–'} at the end.`,
  '',
  `Samples: ${samples.length}, every 15 s (${join(outDir, `${stamp}.json`)}).`,
  '',
].join('\n')
writeFileSync(`${base}.md`, md)
console.error(`\n${md}`)
console.error(`soak: ${base}.json, ${base}.md`)
process.exit(code)
