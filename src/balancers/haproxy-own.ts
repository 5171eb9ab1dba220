// Your own haproxy.cfg (balancer.config), rendered for a run: the template with {{listen}} and {{servers}}
// filled in, and the one line lbbench adds, marked with a `# lbbench:` comment: its stats socket in the
// global section (a global section of its own at the top when the file has none), from which per-server
// attempts and up/down states are read as for a generated config. {{listen}} becomes `127.0.0.1:PORT`
// (`… ssl crt <file>` with balancer.tls); {{servers}} one `server rN …` line per replica, named by its id.

import {readFileSync} from 'node:fs'
import type {Scenario} from '../model/scenario.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import {RunError} from '../model/errors.js'
import {haproxyListen, haproxyServerLine, haproxyStatsLine} from './haproxy-config.js'
import {readHaproxyTemplate} from './haproxy-template.js'
import {addedBlock, besideScenario, renderTemplate, type Insertion, type RenderedConfig} from './own-config.js'

export interface OwnHaproxyInput {
  scenario: Scenario
  scenarioFile: string
  backends: ReplicaAddress[]
  port: number
  socket: string
  tls?: {combined: string}
}

export interface OwnHaproxyConfig {
  /** The template's path, as messages name it. */
  template: string
  rendered: RenderedConfig
  /** The backend (or listen section) that holds {{servers}}: the stats rows and runtime commands name it. */
  backend: string
}

export function renderOwnHaproxy(input: OwnHaproxyInput): OwnHaproxyConfig {
  const s = input.scenario
  const template = besideScenario(input.scenarioFile, s.balancer.config!.file)
  const text = readFileSync(template, 'utf8')
  const reading = readHaproxyTemplate(text, {balancer: s.balancer, given: () => false})
  if (!reading.backend) throw new RunError(`${template} has no named backend or listen section holding {{servers}} (it changed after validation?)`)
  const header = [
    `# Rendered by lbbench from ${template} for scenario ${s.name}: {{listen}} and {{servers}} filled in,`,
    '# the lines between "# lbbench:" marks added.',
  ]
  const stats = [haproxyStatsLine(input.socket)]
  const global = reading.global
  const lines = text.split('\n')
  const indent = global ? (/^\s+/.exec(lines[global.lines[0]?.line - 1] ?? '')?.[0] ?? '  ') : '  '
  const added: Insertion[] = global
    ? [{afterLine: 0, lines: header}, {afterLine: global.line, lines: addedBlock('added to read per-server counters and states', stats, indent)}]
    : [{afterLine: 0, lines: [...header, 'global', ...addedBlock('added to read per-server counters and states', stats, '  '), ''] }]
  const rendered = renderTemplate(text, {
    listen: haproxyListen(input.port, input.tls),
    servers: input.backends.map((r) => haproxyServerLine(s, r)),
    added,
  })
  return {template, rendered, backend: reading.backend}
}
