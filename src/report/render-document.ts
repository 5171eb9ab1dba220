// Renders a report or a comparison in any format by name: the one entry point `lbbench report`,
// `lbbench compare` and the report files use, so a saved comparison renders like a fresh one.

import type {Report} from '../model/report.js'
import type {RenderOptions} from './renderer.js'
import {renderers} from './registry.js'
import {isComparison, type Comparison} from './comparison.js'
import {UsageError} from '../model/errors.js'

export type Document = Report | Comparison

export const FORMATS = ['terminal', 'json', 'markdown', 'html', 'junit'] as const
export type Format = (typeof FORMATS)[number]

/** The file extension of each format that is written to a file (the terminal one is not). */
export const EXTENSIONS: Record<Exclude<Format, 'terminal'>, string> = {
  json: 'json',
  markdown: 'md',
  html: 'html',
  junit: 'junit.xml',
}

/** `terminal,html` → ['terminal', 'html']; an unknown name is a usage error (exit 2). */
export function parseFormats(text: string, flag = '--format'): Format[] {
  const formats = text.split(',').map((f) => f.trim()).filter(Boolean)
  const unknown = formats.filter((f) => !(FORMATS as readonly string[]).includes(f))
  if (unknown.length > 0) throw new UsageError(`${flag}: unknown format ${unknown.join(', ')}; expected some of ${FORMATS.join(', ')}`)
  if (formats.length === 0) throw new UsageError(`${flag}: expected at least one of ${FORMATS.join(', ')}`)
  return [...new Set(formats)] as Format[]
}

export async function renderDocument(doc: Document, format: Format, opts: RenderOptions): Promise<string> {
  if (!isComparison(doc)) {
    const make = renderers[format]
    if (!make) throw new UsageError(`unknown format ${format}`)
    return (await make()).render(doc, opts)
  }
  switch (format) {
    case 'terminal': return (await import('./comparison.js')).renderComparisonTerminal(doc, opts)
    case 'markdown': return (await import('./comparison.js')).renderComparisonMarkdown(doc)
    case 'html': return (await import('./html.js')).renderHtml(doc)
    case 'junit': return (await import('./junit.js')).renderComparisonJunit(doc)
    case 'json': return (await import('./json.js')).renderJson(doc)
  }
}
