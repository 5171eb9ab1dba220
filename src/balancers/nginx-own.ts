// Your own nginx.conf (balancer.config), rendered for a run: the template with {{listen}} and {{servers}}
// filled in, and lbbench's additions, each marked with a `# lbbench:` comment:
// - inside `http {`: its access-log format and log (per-backend attempts from $upstream_addr) and an error
//   log at notice level (marked-down/up events), in the run's folder; the temporary folders nginx writes
//   to, where the file sets none (so nginx writes nothing outside the run's folder); with balancer.tls,
//   the run's certificate;
// - beside an access_log or error_log of a server or location (which would replace lbbench's there), its own;
// - on the command line (-g), without touching the file: `daemon off;` (lbbench runs nginx in the
//   foreground under its watch), a pid file in the run's folder, and `user root root;` when lbbench runs as
//   root (as for the generated config), each unless the file sets it.
// {{listen}} becomes `127.0.0.1:PORT` (`… ssl` with TLS); {{servers}} one `server …;` line per replica.

import {readFileSync} from 'node:fs'
import type {Scenario} from '../model/scenario.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import {RunError} from '../model/errors.js'
import {findAll, type NginxDirective} from './nginx-syntax.js'
import {nginxAccessLog, nginxMeasuring, nginxServerLine, nginxTlsLines, pathArg} from './nginx-config.js'
import {nginxInsertions, readNginxTemplate} from './nginx-template.js'
import {addedBlock, besideScenario, renderTemplate, type Insertion, type RenderedConfig} from './own-config.js'

export interface OwnNginxInput {
  scenario: Scenario
  scenarioFile: string
  backends: ReplicaAddress[]
  port: number
  /** nginx's private folder in the run's folder (its -p prefix). */
  dir: string
  asRoot: boolean
  tls?: {cert: string; key: string}
}

export interface OwnNginxConfig {
  /** The template's path, as messages name it. */
  template: string
  rendered: RenderedConfig
  /** The top-level directives lbbench gives with -g. */
  globals: string
}

const tempPaths = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']

export function renderOwnNginx(input: OwnNginxInput): OwnNginxConfig {
  const {scenario: s, dir, tls} = input
  const template = besideScenario(input.scenarioFile, s.balancer.config!.file)
  const text = readFileSync(template, 'utf8')
  const reading = readNginxTemplate(text, {balancer: s.balancer, given: () => false})
  if (!reading.http) throw new RunError(`${template} has no http block with an upstream holding {{servers}} (it changed after validation?)`)
  const ownTemp = tempPaths.filter((name) => findAll(reading.top, name).length === 0).map((name) => `${name} ${pathArg(`${dir}/temp/${name.replace(/_temp_path$/, '')}`)};`)
  const measuring = [...nginxMeasuring, ...ownTemp, ...(tls ? nginxTlsLines(tls) : [])]
  const errorLog = `error_log ${pathArg(`${dir}/error.log`)} notice;`
  const lines = text.split('\n')
  const added: Insertion[] = nginxInsertions(reading.http, measuring, errorLog, nginxAccessLog).map((a, i) => {
    const indent = /^\s*/.exec(lines[a.afterLine - 1] ?? '')![0]
    return {afterLine: a.afterLine, lines: addedBlock(i === 0 ? 'added to measure (logs) and to keep nginx in the run folder' : 'added beside yours, to measure', a.lines, i === 0 ? `${indent}    ` : indent)}
  })
  const globals = globalsFor(reading.top, input)
  const header = [
    `# Rendered by lbbench from ${template} for scenario ${s.name}: {{listen}} and {{servers}} filled in,`,
    `# the lines between "# lbbench:" marks added. nginx runs with -g '${globals}'.`,
  ]
  const rendered = renderTemplate(text, {
    listen: `127.0.0.1:${input.port}${tls ? ' ssl' : ''}`,
    servers: input.backends.map((r) => nginxServerLine(s, r)),
    added: [{afterLine: 0, lines: header}, ...added],
  })
  return {template, rendered, globals}
}

/** daemon off, the pid file and (as root) the user, each unless the file's top level sets it. */
function globalsFor(top: NginxDirective[], {dir, asRoot}: OwnNginxInput): string {
  const has = (name: string) => top.some((d) => d.name === name)
  return [
    ...(has('daemon') ? [] : ['daemon off;']),
    ...(has('pid') ? [] : [`pid ${pathArg(`${dir}/nginx.pid`)};`]),
    ...(asRoot && !has('user') ? ['user root root;'] : []),
  ].join(' ')
}
