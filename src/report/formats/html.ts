// The html format: one self-contained page with charts, to open in a browser or keep as a CI artifact.
import type {ReportFormat} from '../renderer.js'

export const html: ReportFormat = {
  name: 'html',
  summary: 'one self-contained page with charts over time, for a browser or a CI artifact',
  extension: 'html',
  render: async (report) => (await import('../html.js')).renderHtml(report),
  renderComparison: async (comparison) => (await import('../html.js')).renderHtml(comparison),
}
