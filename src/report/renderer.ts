// The report format seam: what a format (terminal, json, markdown, html, junit) says of itself. Each
// format is one descriptor in formats/<name>.ts; registry.ts lists them for --format, the report files
// and `lbbench report`. A descriptor loads its renderer only when it renders, so listing the formats
// costs nothing.

import type {KindDescriptor} from '../model/kind.js'
import type {Report} from '../model/report.js'
import type {Comparison} from './comparison.js'

export interface RenderOptions {
  color: boolean
  /** Terminal width, for charts. */
  width?: number
}

export interface ReportFormat extends KindDescriptor {
  /** The file name ending it is written with (`report.<extension>`); absent: it is only printed (terminal). */
  readonly extension?: string
  render(report: Report, opts: RenderOptions): Promise<string>
  /** The same for a comparison (`lbbench compare`), so a saved comparison renders like a fresh one. */
  renderComparison(comparison: Comparison, opts: RenderOptions): Promise<string>
}
