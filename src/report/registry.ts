// Report formats by name (`--format`). Adding a format: its descriptor in formats/ and one line here.
import {registry} from '../model/kind.js'
import type {ReportFormat} from './renderer.js'
import {terminal} from './formats/terminal.js'
import {json} from './formats/json.js'
import {markdown} from './formats/markdown.js'
import {html} from './formats/html.js'
import {junit} from './formats/junit.js'

export const reportFormats = registry<ReportFormat>('format', [terminal, json, markdown, html, junit])

/** A format with a file name ending is written to a file; one without (terminal) is only ever printed. */
export function writesFile(format: string): boolean {
  return reportFormats.get(format)?.extension !== undefined
}
