// Your own nginx or HAProxy configuration (`balancer.config`) as a template: the file as it lives in your
// repository, with two placeholders lbbench fills in (pure: text in, text out).
//   {{listen}}   the address the load goes to, e.g. `127.0.0.1:24001` (with what TLS needs after it);
//   {{servers}}  one server line per replica in the program's own syntax, on a line of its own.
// Everything else is kept byte for byte. lbbench adds only what it needs to measure, as whole lines at
// one place the kind chooses (nginx: inside `http {`; HAProxy: in `global`), and remembers where each
// line of the rendered file came from, so that what `nginx -t` or `haproxy -c` says of a rendered line
// points at the template's own line.

import {dirname, isAbsolute, join} from 'node:path'
import type {ScenarioProblem} from '../model/errors.js'
import type {KindProblem} from '../model/kind.js'
import type {BalancerSpec} from '../model/scenario.js'

export const placeholderNames = ['listen', 'servers'] as const
export type PlaceholderName = (typeof placeholderNames)[number]

export const placeholder = (name: PlaceholderName): string => `{{${name}}}`

/** The scenario beside `config:`: its resolved balancer, and whether the file gave a key (`strategy`, `health.passive.statuses`). */
export interface ScenarioSide {
  balancer: BalancerSpec
  given: (key: string) => boolean
}

/** A problem a kind finds: in the scenario (a dotted path) or, with `line`, on a line of the template. */
export interface OwnConfigProblem extends KindProblem {
  line?: number
}

/** What a kind reads in a template at validation. */
export interface TemplateReading {
  /** How the file balances, in its own words: `least_conn`, `balance leastconn`, or the program's default. */
  balancing: string
  /** The scenario's names for the same balancing, when it has them. */
  strategy?: string
  hashKey?: string
  problems: OwnConfigProblem[]
}

/** How a balancer kind that runs your own configuration reads it (descriptor field `ownConfig`). */
export interface OwnConfigReader {
  /** What the file is called in messages: `nginx.conf`, `haproxy.cfg`. */
  readonly fileName: string
  read(template: string, side: ScenarioSide): TemplateReading
}

/** A comment line (`#`, in nginx and HAProxy alike): a placeholder there is text, not filled in. */
const isComment = (text: string): boolean => text.trimStart().startsWith('#')

/** Template line numbers (1-based) where each placeholder stands, comment lines left out. */
export function placeholderLines(template: string): Record<PlaceholderName, number[]> {
  const found: Record<PlaceholderName, number[]> = {listen: [], servers: []}
  template.split('\n').forEach((text, i) => {
    if (isComment(text)) return
    for (const name of placeholderNames) if (text.includes(placeholder(name))) found[name].push(i + 1)
  })
  return found
}

/** Problems with the placeholders themselves: each is there, and {{servers}} stands on lines of its own. */
export function placeholderProblems(template: string): OwnConfigProblem[] {
  const lines = template.split('\n')
  const found = placeholderLines(template)
  const problems: OwnConfigProblem[] = []
  for (const name of placeholderNames) {
    if (found[name].length === 0) problems.push({path: 'balancer.config', message: `the file has no ${placeholder(name)} placeholder; ${placeholderUse[name]}`})
  }
  for (const line of found.servers) {
    if (lines[line - 1].trim() !== placeholder('servers')) {
      problems.push({path: '', line, message: `${placeholder('servers')} must stand alone on its line: it becomes one server line per replica`})
    }
  }
  return problems
}

const placeholderUse: Record<PlaceholderName, string> = {
  listen: 'lbbench puts the address the load goes to there, as in `listen {{listen}};` (nginx) or `bind {{listen}}` (HAProxy)',
  servers: 'lbbench puts one server line per replica there, on a line of its own inside the upstream (nginx) or backend (HAProxy)',
}

/** Lines lbbench adds after a template line (0: at the top). */
export interface Insertion {
  afterLine: number
  lines: string[]
}

/** What goes into the template: the placeholders' values, and the lines lbbench adds. */
export interface TemplateValues {
  listen: string
  servers: string[]
  added: Insertion[]
}

/** A rendered configuration, and for each of its lines (index 0 = line 1) the template line it came from; undefined: added by lbbench. */
export interface RenderedConfig {
  text: string
  origin: Array<number | undefined>
}

export function renderTemplate(template: string, values: TemplateValues): RenderedConfig {
  const out: string[] = []
  const origin: Array<number | undefined> = []
  const add = (lines: string[]) => {
    out.push(...lines)
    origin.push(...lines.map(() => undefined))
  }
  const addAfter = (line: number) => {
    for (const a of values.added) if (a.afterLine === line) add(a.lines)
  }
  addAfter(0)
  template.split('\n').forEach((text, i) => {
    const line = i + 1
    if (text.trim() === placeholder('servers')) {
      const indent = /^\s*/.exec(text)![0]
      for (const server of values.servers) {
        out.push(`${indent}${server}`)
        origin.push(line)
      }
    } else {
      out.push(isComment(text) ? text : text.replaceAll(placeholder('listen'), values.listen))
      origin.push(line)
    }
    addAfter(line)
  })
  return {text: out.join('\n'), origin}
}

/** A file the scenario names, relative to the scenario file unless absolute (as messages show it: relative to where lbbench runs). */
export const besideScenario = (scenarioFile: string, path: string): string => (isAbsolute(path) ? path : join(dirname(scenarioFile), path))

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * What `nginx -t` or `haproxy -c` said of the rendered file, as a problem of the template: its first
 * complaint that names a line, at the template's own line (a line lbbench added is named, at the
 * template line it follows).
 */
export function checkerProblem(program: string, output: string, renderedFile: string, rendered: RenderedConfig, template: string): ScenarioProblem {
  const file = escapeRegex(renderedFile)
  const at = new RegExp(`${file}:(\\d+)`)
  const lines = output.split('\n').filter((l) => l.trim())
  const said = lines.find((l) => at.test(l)) ?? lines.find((l) => /emerg|alert|error/i.test(l)) ?? lines[0] ?? 'no message'
  const message = said
    .replace(/^nginx: /, '')
    .replace(/^\[ALERT\]\s*\(\d+\)\s*:\s*(config\s*:\s*)?/, '')
    .replace(new RegExp(`(parsing )?\\[${file}:\\d+\\]\\s*:\\s*`), '')
    .replace(new RegExp(`\\s*in ${file}:\\d+`), '')
    .trim()
  const renderedLine = Number(at.exec(said)?.[1])
  if (!renderedLine) return {file: template, line: 1, col: 1, path: '', message: `${program} rejected it: ${message}`}
  const line = rendered.origin[renderedLine - 1]
  if (line !== undefined) return {file: template, line, col: 1, path: '', message: `${program} rejected it: ${message}`}
  const before = rendered.origin.slice(0, renderedLine - 1).findLast((l) => l !== undefined) ?? 1
  const added = rendered.text.split('\n')[renderedLine - 1]?.trim()
  return {file: template, line: before, col: 1, path: '', message: `${program} rejected it: ${message} (in a line lbbench added after this one: ${added})`}
}

/** The added lines, each marked as lbbench's, so that a reader of the rendered file can tell them from the template's. */
export function addedBlock(comment: string, lines: string[], indent: string): string[] {
  return [`${indent}# lbbench: ${comment}`, ...lines.map((l) => `${indent}${l}`), `${indent}# lbbench: end of what it added`]
}
