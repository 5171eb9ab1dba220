// The Renderer seam: one output format per file (terminal, json, markdown, html, junit);
// registry.ts chooses by name for --format.

import type {Report} from '../model/report.js'

export interface RenderOptions {
  color: boolean
  /** Terminal width, for charts. */
  width?: number
}

export interface Renderer {
  name: string
  /** File extension when written to the report folder; the terminal renderer is not written. */
  extension?: string
  render(report: Report, opts: RenderOptions): string
}
