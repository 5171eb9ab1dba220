// The layering of src/, checked from the source text: the folders of src/ stand in the order below, bottom
// to top, and a file may import only from its own folder and folders below it. A folder not in the list,
// or a file at the root of src/, is an error of its own, and so is a loop of folders importing each other
// (which the order rules out, so one found means the order check itself went wrong). Imports are read with
// the typescript package's parser: import and export declarations, import() calls and import types.
import {posix} from 'node:path'
import ts from 'typescript'

export const LAYERS = ['model', 'process', 'metrics', 'proxy', 'replicas', 'balancers', 'faults', 'load', 'scenario', 'report', 'run', 'cli', 'commands']

/** A source file: its path relative to src/ (with `/`), and its text. */
export interface SourceFile {
  path: string
  text: string
}

interface Import {
  from: string
  spec: string
  line: number
  /** The imported file, relative to src/. */
  target: string
}

/** Every relative import of a file, with its line (1-based). */
export function relativeImports(file: SourceFile): Import[] {
  const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false)
  const found: Import[] = []
  const add = (node: ts.Node, spec: string) => {
    if (!spec.startsWith('.')) return
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1
    found.push({from: file.path, spec, line, target: posix.normalize(posix.join(posix.dirname(file.path), spec))})
  }
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      add(node, node.arguments[0].text)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found
}

/** The layer a path relative to src/ is in, or why it is in none. */
function layerOf(path: string): {layer: string} | {problem: string} {
  const parts = path.split('/')
  if (parts.length === 1) return {problem: `${path} is at the root of src/, in no layer (folders: ${LAYERS.join(' → ')})`}
  if (parts[0] === '..') return {problem: `${path} is outside src/`}
  return LAYERS.includes(parts[0]) ? {layer: parts[0]} : {problem: `folder ${parts[0]}/ is not a layer (folders: ${LAYERS.join(' → ')})`}
}

/** Everything wrong with the layering of these files, one message each, naming the file and the import. */
export function layerViolations(files: SourceFile[]): string[] {
  const problems: string[] = []
  const edges = new Map<string, Map<string, Import>>()
  for (const file of files) {
    const own = layerOf(file.path)
    if ('problem' in own) {
      problems.push(`src/${file.path}: ${own.problem}`)
      continue
    }
    for (const imp of relativeImports(file)) {
      const where = `src/${imp.from}:${imp.line} imports ${imp.spec}`
      const target = layerOf(imp.target)
      if ('problem' in target) {
        problems.push(`${where}: ${target.problem}`)
      } else if (LAYERS.indexOf(target.layer) > LAYERS.indexOf(own.layer)) {
        problems.push(`${where}: ${own.layer}/ may not import ${target.layer}/, which is above it (${LAYERS.join(' → ')})`)
      }
      if ('layer' in target && target.layer !== own.layer) {
        if (!edges.has(own.layer)) edges.set(own.layer, new Map())
        edges.get(own.layer)!.set(target.layer, imp)
      }
    }
  }
  return [...problems, ...folderLoops(edges)]
}

/** Loops among folders (depth-first), each once, with one import that makes each step. */
function folderLoops(edges: Map<string, Map<string, Import>>): string[] {
  const loops = new Map<string, string>()
  const path: string[] = []
  const done = new Set<string>()
  const visit = (folder: string): void => {
    const at = path.indexOf(folder)
    if (at !== -1) {
      const loop = [...path.slice(at), folder]
      const steps = loop.slice(0, -1).map((f, i) => {
        const imp = edges.get(f)!.get(loop[i + 1])!
        return `src/${imp.from}:${imp.line} imports ${imp.spec}`
      })
      // The same loop entered at another folder is the same loop.
      const key = [...loop.slice(0, -1)].sort().join(' ')
      if (!loops.has(key)) loops.set(key, `folders import each other in a loop: ${loop.join(' → ')} (${steps.join('; ')})`)
      return
    }
    if (done.has(folder)) return
    path.push(folder)
    for (const next of edges.get(folder)?.keys() ?? []) visit(next)
    path.pop()
    done.add(folder)
  }
  for (const folder of edges.keys()) visit(folder)
  return [...loops.values()]
}
