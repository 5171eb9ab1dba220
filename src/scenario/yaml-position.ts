// From a field path (`load.phases.1.duration`) to where it stands in the YAML text, and back from a
// place in the text to the field path (for syntax errors such as duplicate keys).

import {isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node} from 'yaml'
import type {PathKey} from './issues.js'

export interface LineCol {
  line: number
  col: number
}

const keyText = (k: unknown): string | undefined => (isScalar(k) ? String(k.value) : undefined)

/**
 * The node of the field, or of the nearest field above it that exists (a missing key points at the
 * mapping it is missing from). `atKey`: the key of the field rather than its value.
 */
export function nodeAt(doc: Document, path: PathKey[], atKey = false): Node | undefined {
  let cur: unknown = doc.contents
  for (let i = 0; i < path.length; i++) {
    if (isAlias(cur)) cur = cur.resolve(doc)
    const last = i === path.length - 1
    if (isMap(cur)) {
      // The last of duplicate keys: its value is the one the data has.
      const pair = cur.items.findLast((p) => keyText(p.key) === String(path[i]))
      if (!pair) break
      // A key with nothing after it (`timeout:`) has no value node: point at the key.
      if ((last && atKey) || !isNodeLike(pair.value)) return isNodeLike(pair.key) ? pair.key : cur
      cur = pair.value
    } else if (isSeq(cur) && typeof path[i] === 'number') {
      const item = cur.items[path[i] as number]
      if (!isNodeLike(item)) break
      cur = item
    } else break
  }
  return isNodeLike(cur) ? cur : undefined
}

function isNodeLike(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && 'range' in v && Array.isArray((v as Node).range)
}

/** Line and column of a node; `offset` moves into a single-line scalar's text (a token of a threshold). */
export function positionOf(node: Node | undefined, lc: LineCounter, offset?: number): LineCol {
  if (!node?.range) return {line: 1, col: 1}
  const start = lc.linePos(node.range[0])
  if (offset !== undefined && isScalar(node) && typeof node.value === 'string') {
    const end = lc.linePos(node.range[1])
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'
    if (end.line === start.line && (quoted || node.type === 'PLAIN')) return {line: start.line, col: start.col + offset + (quoted ? 1 : 0)}
  }
  return start
}

/** The field path of the deepest node that holds `offset` in the text. */
export function pathAtOffset(doc: Document, offset: number): PathKey[] {
  const path: PathKey[] = []
  let cur: unknown = doc.contents
  for (;;) {
    if (isMap(cur)) {
      let next: unknown
      for (const pair of cur.items) {
        const key = keyText(pair.key)
        const kr = isNodeLike(pair.key) ? pair.key.range : undefined
        const vr = isNodeLike(pair.value) ? pair.value.range : undefined
        if (key !== undefined && kr && offset >= kr[0] && offset <= kr[1]) return [...path, key]
        if (key !== undefined && vr && offset >= vr[0] && offset < vr[2]) {
          path.push(key)
          next = pair.value
          break
        }
      }
      if (next === undefined) return path
      cur = next
    } else if (isSeq(cur)) {
      const i = cur.items.findIndex((it) => isNodeLike(it) && offset >= it.range![0] && offset < it.range![2])
      if (i < 0) return path
      path.push(i)
      cur = cur.items[i]
    } else return path
  }
}
