// Your own nginx.conf as a template (balancer.config): what lbbench reads in it at validation (how it
// balances and retries, to set beside the scenario's strategy, retries and health) and where lbbench adds
// its measuring lines when it renders it (pure).
//
// The scenario and the file must not contradict each other. With `config:`, a strategy, hashKey, retries
// or passive-health statuses the scenario gives must be what the file says; timeout and
// retryNonIdempotent are the file's alone (proxy_*_timeout, proxy_next_upstream non_idempotent). What
// the scenario does decide is on the {{servers}} lines: weights, max_fails and fail_timeout.

import {findAll, parseNginx, pathTo, type NginxDirective} from './nginx-syntax.js'
import {placeholder, type Insertion, type OwnConfigProblem, type OwnConfigReader, type ScenarioSide, type TemplateReading} from './own-config.js'

/** Stand-ins that keep the placeholders readable as nginx words while the template is parsed. */
const serversWord = '__lbbench_servers__'
const forParsing = (template: string): string =>
  template.replaceAll(placeholder('servers'), `${serversWord};`).replaceAll(placeholder('listen'), '127.0.0.1:1')

/** The balancing directives of an upstream block, as the open-source nginx has them. */
const balancingNames = new Set(['least_conn', 'ip_hash', 'hash', 'random', 'least_time'])

/** A hash key nginx writes as a variable, as the scenario names it. */
function hashKeyOf(variable: string | undefined): string | undefined {
  if (variable === '$remote_addr' || variable === '$binary_remote_addr') return 'ip'
  if (variable === '$uri' || variable === '$request_uri') return 'path'
  const header = /^\$http_([a-z0-9_]+)$/i.exec(variable ?? '')
  return header ? `header:${header[1].replace(/_/g, '-').toLowerCase()}` : undefined
}

/** The scenario's names for an upstream's balancing directive, when it has them. */
function strategyOf(d: NginxDirective | undefined): {strategy?: string; hashKey?: string} {
  if (!d) return {strategy: 'round-robin'}
  const args = d.args.join(' ')
  switch (d.name) {
    case 'least_conn':
      return {strategy: 'least-connections'}
    case 'ip_hash':
      return {strategy: 'ip-hash', hashKey: 'ip'}
    case 'random':
      return args === '' ? {strategy: 'random'} : args === 'two' || args === 'two least_conn' ? {strategy: 'p2c'} : {}
    case 'hash': {
      const key = hashKeyOf(d.args[0])
      return d.args[1] === 'consistent' && key ? {strategy: 'consistent-hash', hashKey: key} : {}
    }
    default:
      return {}
  }
}

const words = (d: NginxDirective): string => [d.name, ...d.args].join(' ')

/** What the file retries: per proxy_next_upstream_tries / `proxy_next_upstream off`, or nginx's default (every server). */
function retriesOf(http: NginxDirective[]): Array<{retries: number | 'unlimited'; said: string; line?: number}> {
  const said = [
    ...findAll(http, 'proxy_next_upstream_tries').map((d) => ({retries: Number(d.args[0]) === 0 ? ('unlimited' as const) : Number(d.args[0]) - 1, said: words(d), line: d.line})),
    ...findAll(http, 'proxy_next_upstream').filter((d) => d.args[0] === 'off').map((d) => ({retries: 0, said: words(d), line: d.line})),
  ]
  return said.length > 0 ? said : [{retries: 'unlimited', said: 'no proxy_next_upstream_tries (nginx then tries every server)'}]
}

/** What the file says, and (for rendering) its http block and top-level directives. */
export type NginxTemplateReading = TemplateReading & {http?: NginxDirective; top: NginxDirective[]}

export function readNginxTemplate(template: string, side: ScenarioSide): NginxTemplateReading {
  const parsed = parseNginx(forParsing(template))
  if ('error' in parsed) return {balancing: 'unknown', top: [], problems: [{path: '', line: parsed.line, message: `nginx could not read this: ${parsed.error}`}]}
  const problems: OwnConfigProblem[] = []
  const chain = pathTo(parsed.directives, serversWord)
  const upstream = chain?.at(-2)
  const http = chain?.[0]
  if (chain && (upstream?.name !== 'upstream' || http?.name !== 'http' || chain.length !== 3)) {
    problems.push({path: '', line: chain.at(-1)!.line, message: `${placeholder('servers')} must be inside an upstream block of the http block (it is in ${chain.slice(0, -1).map((d) => d.name).join(' → ') || 'no block'})`})
  }
  const daemon = parsed.directives.find((d) => d.name === 'daemon' && d.args[0] === 'on')
  if (daemon) problems.push({path: '', line: daemon.line, message: 'lbbench runs nginx in the foreground under its watch: leave "daemon on" out'})
  const balancingDirective = upstream?.block?.find((d) => balancingNames.has(d.name))
  const reading = {balancing: balancingDirective ? words(balancingDirective) : "round robin (nginx's default)", ...strategyOf(balancingDirective)}
  if (http?.block) problems.push(...contradictions(side, reading, balancingDirective?.line, http.block))
  return {...reading, problems, http, top: parsed.directives}
}

/** Where the scenario says otherwise than the file. */
function contradictions(side: ScenarioSide, reading: {balancing: string; strategy?: string; hashKey?: string}, balancingLine: number | undefined, http: NginxDirective[]): OwnConfigProblem[] {
  const b = side.balancer
  const problems: OwnConfigProblem[] = []
  const where = balancingLine ? `line ${balancingLine} of the file balances with "${reading.balancing}"` : `the file's upstream has no balancing directive: ${reading.balancing}`
  const leave = 'with config: leave it out (the file decides) or make them agree'
  if (side.given('strategy') && reading.strategy !== b.strategy) {
    problems.push({path: 'balancer.strategy', message: `${b.strategy} contradicts the file: ${where}${reading.strategy ? `, which is ${reading.strategy}` : ', which no scenario strategy names'}; ${leave}`})
  } else if (side.given('hashKey') && reading.hashKey !== b.hashKey) {
    problems.push({path: 'balancer.hashKey', message: `${b.hashKey} contradicts the file: ${where}${reading.hashKey ? `, whose key is ${reading.hashKey}` : ''}; ${leave}`})
  }
  if (side.given('retries')) {
    const other = retriesOf(http).find((r) => r.retries !== b.retries)
    if (other) problems.push({path: 'balancer.retries', message: `${b.retries} contradicts the file: ${other.line ? `line ${other.line} says ` : 'it has '}${other.said} (${other.retries} retries); ${leave}`})
  }
  const statuses = b.health.passive?.statuses ?? []
  if (side.given('health') && statuses.length > 0) {
    const nextUpstream = findAll(http, 'proxy_next_upstream')
    const missing = statuses.filter((s) => nextUpstream.length === 0 || nextUpstream.some((d) => !d.args.includes(`http_${s}`)))
    if (missing.length > 0) {
      const said = nextUpstream.length ? `line ${nextUpstream[0].line} says ${words(nextUpstream[0])}` : 'it has no proxy_next_upstream (nginx then retries on error and timeout only)'
      problems.push({path: 'balancer.health.passive.statuses', message: `nginx counts a status as a failure only when proxy_next_upstream lists it (http_${missing[0]}), and the file does not: ${said}; ${leave}`})
    }
  }
  for (const [key, instead] of [['timeout', 'proxy_connect_timeout, proxy_read_timeout and proxy_send_timeout'], ['retryNonIdempotent', 'proxy_next_upstream non_idempotent']]) {
    if (side.given(key)) problems.push({path: `balancer.${key}`, message: `does not apply with config: the file's own ${instead} decide; leave it out`})
  }
  return problems
}

/** Lines to add after: inside `http {`, and beside each access_log or error_log of a server or location (which would replace lbbench's there). */
export function nginxInsertions(http: NginxDirective, measuring: string[], errorLog: string, accessLog: string): Insertion[] {
  const below = (http.block ?? []).flatMap((d) => [...findAll(d.block ?? [], 'access_log'), ...findAll(d.block ?? [], 'error_log')])
  return [
    {afterLine: http.blockLine ?? http.line, lines: [...measuring, errorLog]},
    ...below.filter((d) => d.args[0] !== 'off').map((d) => ({afterLine: d.line, lines: [d.name === 'access_log' ? accessLog : errorLog]})),
  ]
}

export const nginxOwnConfig: OwnConfigReader = {fileName: 'nginx.conf', read: readNginxTemplate}
