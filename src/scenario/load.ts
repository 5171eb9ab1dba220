// Reading a scenario file: the text, the YAML, the schema, the checks across fields, the files it names,
// and the resolved scenario with its hash. Every problem a user can cause becomes a ScenarioError whose message says
// file:line:col, the field path and what was expected; nothing else is ever thrown for bad input.

import {readFile, lstat, stat} from 'node:fs/promises'
import {isCollection, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document} from 'yaml'
import {ScenarioError, type ScenarioProblem} from '../model/errors.js'
import {scenarioHash} from './hash.js'
import {plainMessage, problemsFromIssues, type PathKey, type PathProblem} from './issues.js'
import {scenarioFileSchema} from './schema.js'
import type {LoadedScenario} from '../model/scenario.js'
import {partsOf} from './parts.js'
import {checkParts, resolveScenario} from './validate.js'
import {resolveOwnStack} from './own-stack.js'
import {nodeAt, pathAtOffset, positionOf} from './yaml-position.js'

// The run re-hashes a scenario it changed (--time-scale).
export {scenarioHash}

/** Larger than any scenario anyone writes by hand; keeps a wrong file (a log, a binary) from being parsed. */
const maxFileBytes = 1024 * 1024

export async function loadScenario(file: string): Promise<LoadedScenario> {
  return parseScenarioText(await readScenarioText(file), file)
}

/** A problem with the file as a whole: it points at its start, so every message has file:line:col. */
const fileProblem = (file: string, message: string) => new ScenarioError([{file, line: 1, col: 1, path: '', message}])

async function readScenarioText(file: string): Promise<string> {
  let info
  try {
    info = await stat(file)
  } catch (e) {
    throw fileProblem(file, await whyUnreadable(file, e))
  }
  if (info.isDirectory()) throw fileProblem(file, 'is a directory, not a scenario file; give a .yaml file')
  // A FIFO would block the read forever, a device could be endless: only regular files.
  if (!info.isFile()) throw fileProblem(file, 'is not a regular file (a pipe, socket or device); give a .yaml file')
  if (info.size > maxFileBytes) throw fileProblem(file, `is ${info.size} bytes; a scenario file is at most ${maxFileBytes} bytes`)
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (e) {
    throw fileProblem(file, await whyUnreadable(file, e))
  }
  try {
    return new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    throw fileProblem(file, 'is not UTF-8 text; a scenario is a YAML text file')
  }
}

async function whyUnreadable(file: string, e: unknown): Promise<string> {
  const code = (e as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT': {
      const link = await lstat(file).then(
        (l) => l.isSymbolicLink(),
        () => false,
      )
      return link ? 'cannot be read: it is a symbolic link to a file that does not exist' : 'cannot be read: no such file'
    }
    case 'ENOTDIR':
      return 'cannot be read: a part of the path is a file, not a directory'
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read: permission denied'
    case 'ELOOP':
      return 'cannot be read: its symbolic links go round in a loop'
    case 'EISDIR':
      return 'is a directory, not a scenario file; give a .yaml file'
    case 'ENAMETOOLONG':
      return 'cannot be read: the path is too long'
    default:
      return `cannot be read (${code ?? String(e)})`
  }
}

/**
 * The scenario in `text`; `file` names it in messages. Every problem that can be found in one pass is
 * reported: a duplicate key does not stop the schema, and a part the schema refuses does not stop the
 * checks of the others. Only what leaves nothing to check stops early (a syntax error, a key that is not
 * a word, an alias that goes nowhere), and then the message says that more may follow.
 */
export function parseScenarioText(text: string, file: string): LoadedScenario {
  const lc = new LineCounter()
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {lineCounter: lc, prettyErrors: false, uniqueKeys: true})

  const at = (problems: PathProblem[]): ScenarioProblem[] =>
    problems.map((p) => {
      const {line, col} = positionOf(nodeAt(doc, p.path, p.atKey), lc, p.offset)
      return {file, line, col, path: formatPath(p.path), message: p.message}
    })
  const fail = (problems: ScenarioProblem[], incomplete: boolean): never => {
    // One line per problem, whatever text a value brought in.
    for (const p of problems) p.message = p.message.replace(/\r?\n/g, '\\n')
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0))
    throw new ScenarioError(problems, incomplete)
  }

  const syntax = [...doc.errors, ...doc.warnings].map((e) => {
    const {line, col} = lc.linePos(e.pos[0])
    const problem: ScenarioProblem = {file, line, col, path: formatPath(pathAtOffset(doc, e.pos[0])), message: yamlMessage(e.code, e.message)}
    return {problem, fatal: e.code !== 'DUPLICATE_KEY'}
  })
  // A duplicate key leaves a document YAML could read (the last value counts): the schema still runs.
  if (syntax.some((s) => s.fatal)) fail(syntax.map((s) => s.problem), true)
  const duplicates = syntax.map((s) => s.problem)
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw fileProblem(file, 'the file is empty; a scenario needs at least a name, like "name: my-scenario"')
  }
  const structure = structureProblems(doc, lc, file)
  if (structure.length > 0) fail([...duplicates, ...structure], true)

  let data: unknown
  try {
    data = doc.toJS({maxAliasCount: 50})
  } catch (e) {
    // Alias bombs and the like: the YAML library refuses them; say so without its stack.
    throw fileProblem(file, `cannot be read as data: ${(e as Error).message}`)
  }

  const parsed = scenarioFileSchema.safeParse(data, {error: plainMessage})
  if (!parsed.success) {
    const checked = checkParts(partsOf(data), lineOf(doc, lc))
    fail([...duplicates, ...at(problemsFromIssues(parsed.error.issues)), ...at(checked.problems)], checked.incomplete)
  }
  const resolved = resolveScenario(parsed.data!, lineOf(doc, lc))
  if ('problems' in resolved) fail([...duplicates, ...at(resolved.problems)], resolved.incomplete)
  if (duplicates.length > 0) fail(duplicates, false)
  // Files beside the scenario (your own balancer configuration, your certificate) are read last.
  const own = resolveOwnStack((resolved as Extract<typeof resolved, {scenario: unknown}>).scenario, file, (path) => doc.hasIn(path))
  if (!('scenario' in own)) fail([...at(own.fields), ...own.lines], false)
  const {scenario} = own as Extract<typeof own, {scenario: unknown}>
  return {scenario, file, hash: scenarioHash(scenario)}
}

/** The line a field starts on, for FaultSpec.line. */
const lineOf = (doc: Document, lc: LineCounter) => (path: PathKey[]) => positionOf(nodeAt(doc, path), lc).line

/** `load.phases.1.duration`; a key that is not a plain word is quoted, so that it can be seen. */
function formatPath(path: PathKey[]): string {
  return path.map((k) => (typeof k === 'number' || /^[A-Za-z0-9_$-]+$/.test(k) ? String(k) : JSON.stringify(k))).join('.')
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key; each key may appear only once in a mapping'
    case 'TAB_AS_INDENT':
      return 'YAML syntax: tabs are not allowed for indentation; use spaces'
    case 'MULTIPLE_DOCS':
      return 'YAML syntax: the file holds more than one YAML document (---); a scenario is one document'
    case 'TAG_RESOLVE_FAILED':
      return `YAML: ${message.replace(/^Unresolved tag/, 'unknown tag')}; scenario files use plain values without tags`
    default:
      return `YAML syntax: ${message.charAt(0).toLowerCase()}${message.slice(1).split('\n')[0]}`
  }
}

/** What YAML allows but a scenario cannot mean: keys that are not words, aliases that go nowhere or round. */
function structureProblems(doc: Document, lc: LineCounter, file: string): ScenarioProblem[] {
  const problems: ScenarioProblem[] = []
  const add = (node: unknown, chain: readonly unknown[], message: string) => {
    const {line, col} = positionOf(isNode(node) ? node : undefined, lc)
    problems.push({file, line, col, path: formatPath(pathTo(chain)), message})
  }
  visit(doc, {
    Pair(_, pair, ancestors) {
      if (isCollection(pair.key) || pair.key === null || (isScalar(pair.key) && pair.key.value === null)) {
        add(pair.key ?? pair.value ?? ancestors[ancestors.length - 1], ancestors, 'a key must be a plain word before the ":"')
      }
    },
    Alias(_, alias, ancestors) {
      const target = alias.resolve(doc)
      if (!target) add(alias, [...ancestors, alias], `alias *${alias.source} refers to no anchor &${alias.source} before it`)
      else if (ancestors.includes(target)) add(alias, [...ancestors, alias], `alias *${alias.source} refers to a collection that contains it`)
    },
  })
  return problems
}

/** The field path of a chain of nodes from the document down. */
function pathTo(chain: readonly unknown[]): PathKey[] {
  const path: PathKey[] = []
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1]
    const node = chain[i]
    if (isPair(node)) {
      if (isScalar(node.key)) path.push(String(node.key.value))
    } else if (isSeq(parent)) path.push(parent.items.indexOf(node))
  }
  return path
}
