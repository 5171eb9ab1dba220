// Renders a report or a comparison in any format by name: the one entry point `lbbench report`,
// `lbbench compare` and the report files use, so a saved comparison renders like a fresh one.

import type {Report} from '../model/report.js'
import type {RenderOptions} from './renderer.js'
import {reportFormats} from './registry.js'
import {isComparison, type Comparison} from './comparison.js'
import {UsageError} from '../model/errors.js'

export type Document = Report | Comparison

/** `terminal,html` → ['terminal', 'html']; an unknown name is a usage error (exit 2). */
export function parseFormats(text: string, flag = '--format'): string[] {
  const formats = text.split(',').map((f) => f.trim()).filter(Boolean)
  const known = reportFormats.names
  const unknown = formats.filter((f) => !known.includes(f))
  if (unknown.length > 0) throw new UsageError(`${flag}: unknown format ${unknown.join(', ')}; expected some of ${known.join(', ')}`)
  if (formats.length === 0) throw new UsageError(`${flag}: expected at least one of ${known.join(', ')}`)
  return [...new Set(formats)]
}

export async function renderDocument(doc: Document, format: string, opts: RenderOptions): Promise<string> {
  const kind = reportFormats.get(format)
  if (!kind) throw new UsageError(`unknown format ${format}`)
  return isComparison(doc) ? kind.renderComparison(doc, opts) : kind.render(doc, opts)
}
