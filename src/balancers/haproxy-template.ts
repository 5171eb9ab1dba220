// Your own haproxy.cfg as a template (balancer.config): what lbbench reads in it at validation (how the
// backend with {{servers}} balances, retries and checks, to set beside the scenario's strategy, retries
// and health), and the backend's name, which the stats socket's rows and runtime commands need (pure).
//
// The scenario and the file must not contradict each other. With `config:`, a strategy, hashKey or
// retries the scenario gives must be what the file says, and active health needs the file's
// `option httpchk` (with the same path, when it names one); timeout and retryNonIdempotent are the file's
// alone (timeout connect/server, retry-on). What the scenario does decide is on the {{servers}} lines:
// weights and `check …` / `observe …` from its health.

import {placeholder, type OwnConfigProblem, type OwnConfigReader, type ScenarioSide, type TemplateReading} from './own-config.js'

const sectionKeywords = new Set([
  'global', 'defaults', 'frontend', 'backend', 'listen', 'resolvers', 'peers', 'userlist', 'mailers', 'program', 'http-errors', 'ring', 'cache', 'fcgi-app', 'log-forward', 'crt-store', 'traces',
])

export interface HaproxyLine {
  line: number
  words: string[]
}

export interface HaproxySection {
  keyword: string
  name?: string
  line: number
  lines: HaproxyLine[]
}

/** The file's sections, each with its lines as words (comments and blank lines left out). */
export function haproxySections(text: string): HaproxySection[] {
  const sections: HaproxySection[] = []
  text.split('\n').forEach((raw, i) => {
    const words = raw.replace(/(^|\s)#.*$/, '').trim().split(/\s+/).filter(Boolean)
    if (words.length === 0) return
    if (sectionKeywords.has(words[0])) sections.push({keyword: words[0], name: words[1], line: i + 1, lines: []})
    else sections.at(-1)?.lines.push({line: i + 1, words})
  })
  return sections
}

/** The first line of `section` (else of the defaults before it) that starts with `words`. */
function setting(sections: HaproxySection[], section: HaproxySection, ...words: string[]): HaproxyLine | undefined {
  const own = (s: HaproxySection) => s.lines.find((l) => words.every((w, i) => l.words[i] === w))
  const defaults = sections.slice(0, sections.indexOf(section)).filter((s) => s.keyword === 'defaults').reverse()
  return own(section) ?? defaults.map(own).find(Boolean)
}

/** The scenario's names for a `balance` algorithm (with hash-type consistent or not), when it has them. */
function strategyOf(balance: string[] | undefined, consistent: boolean): {strategy?: string; hashKey?: string} {
  const algo = balance?.[0]
  if (algo === 'roundrobin') return {strategy: 'round-robin'}
  if (algo === 'leastconn') return {strategy: 'least-connections'}
  if (algo === 'random(1)') return {strategy: 'random'}
  if (algo === 'random' || algo === 'random(2)') return {strategy: 'p2c'}
  if (algo === 'source') return consistent ? {strategy: 'consistent-hash', hashKey: 'ip'} : {strategy: 'ip-hash', hashKey: 'ip'}
  if (!consistent) return {}
  if (algo === 'uri') return {strategy: 'consistent-hash', hashKey: 'path'}
  const header = /^hdr\(([^)]+)\)$/.exec(algo ?? '')
  return header ? {strategy: 'consistent-hash', hashKey: `header:${header[1].toLowerCase()}`} : {}
}

/** What the file says, and the backend ({{servers}}' section) that lbbench's stats rows and commands name. */
export type HaproxyTemplateReading = TemplateReading & {backend?: string; global?: HaproxySection}

export function readHaproxyTemplate(template: string, side: ScenarioSide): HaproxyTemplateReading {
  const sections = haproxySections(template.replaceAll(placeholder('servers'), 'server __lbbench_servers__'))
  const section = sections.find((s) => s.lines.some((l) => l.words[1] === '__lbbench_servers__'))
  const global = sections.find((s) => s.keyword === 'global')
  const problems: OwnConfigProblem[] = []
  if (section && (section.keyword !== 'backend' && section.keyword !== 'listen')) {
    const line = section.lines.find((l) => l.words[1] === '__lbbench_servers__')!.line
    problems.push({path: '', line, message: `${placeholder('servers')} must be inside a backend or listen section (it is in ${section.keyword}${section.name ? ` ${section.name}` : ''})`})
  }
  const daemon = global?.lines.find((l) => l.words[0] === 'daemon')
  if (daemon) problems.push({path: '', line: daemon.line, message: 'lbbench runs HAProxy in the foreground under its watch: leave "daemon" out of global'})
  if (!section || problems.length > 0) return {balancing: 'unknown', problems, global}
  const balance = setting(sections, section, 'balance')
  const consistent = setting(sections, section, 'hash-type', 'consistent') !== undefined
  const said = balance ? balance.words.join(' ') + (consistent ? ' (hash-type consistent)' : '') : "HAProxy's default balance (roundrobin before 3.3, random since)"
  const reading = {balancing: said, ...(balance ? strategyOf(balance.words.slice(1), consistent) : {})}
  problems.push(...contradictions(side, reading, balance?.line, sections, section))
  return {...reading, problems, backend: section.name, global}
}

/** Where the scenario says otherwise than the file. */
function contradictions(side: ScenarioSide, reading: {balancing: string; strategy?: string; hashKey?: string}, balanceLine: number | undefined, sections: HaproxySection[], section: HaproxySection): OwnConfigProblem[] {
  const b = side.balancer
  const problems: OwnConfigProblem[] = []
  const leave = 'with config: leave it out (the file decides) or make them agree'
  const where = balanceLine ? `line ${balanceLine} of the file says ${reading.balancing}` : `the file has no balance line: ${reading.balancing}`
  if (side.given('strategy') && reading.strategy !== b.strategy) {
    problems.push({path: 'balancer.strategy', message: `${b.strategy} contradicts the file: ${where}${reading.strategy ? `, which is ${reading.strategy}` : ', which no scenario strategy names'}; ${leave}`})
  } else if (side.given('hashKey') && reading.hashKey !== b.hashKey) {
    problems.push({path: 'balancer.hashKey', message: `${b.hashKey} contradicts the file: ${where}${reading.hashKey ? `, whose key is ${reading.hashKey}` : ''}; ${leave}`})
  }
  if (side.given('retries')) {
    const retries = setting(sections, section, 'retries')
    const value = retries ? Number(retries.words[1]) : 3
    if (value !== b.retries) {
      problems.push({path: 'balancer.retries', message: `${b.retries} contradicts the file: ${retries ? `line ${retries.line} says retries ${value}` : "it sets no retries (HAProxy's default is 3)"}; ${leave}`})
    }
  }
  const active = b.health.active
  if (side.given('health') && active) {
    const httpchk = setting(sections, section, 'option', 'httpchk')
    const path = httpchk?.words.slice(2).find((w) => w.startsWith('/'))
    if (!httpchk) problems.push({path: 'balancer.health.active', message: `needs option httpchk in the file's backend ${section.name ?? ''} (without it HAProxy's checks only connect); ${leave}`})
    else if (path !== undefined && path !== active.path) {
      problems.push({path: 'balancer.health.active.path', message: `${active.path} contradicts the file: line ${httpchk.line} says ${httpchk.words.join(' ')}; ${leave}`})
    }
  }
  for (const [key, instead] of [['timeout', 'timeout connect and timeout server'], ['retryNonIdempotent', 'retry-on']]) {
    if (side.given(key)) problems.push({path: `balancer.${key}`, message: `does not apply with config: the file's own ${instead} decide; leave it out`})
  }
  return problems
}

export const haproxyOwnConfig: OwnConfigReader = {fileName: 'haproxy.cfg', read: readHaproxyTemplate}
