// The json format: the report v1 document itself, the file other tools read.
import type {ReportFormat} from '../renderer.js'

export const json: ReportFormat = {
  name: 'json',
  summary: 'the report (or comparison) document, pretty-printed, as schema/report.schema.json describes it',
  extension: 'json',
  render: async (report) => (await import('../json.js')).renderJson(report),
  renderComparison: async (comparison) => (await import('../json.js')).renderJson(comparison),
}
