// The markdown format: a pull-request comment or a GitHub Actions job summary.
import type {ReportFormat} from '../renderer.js'

export const markdown: ReportFormat = {
  name: 'markdown',
  summary: 'GitHub-flavoured markdown for a pull request or $GITHUB_STEP_SUMMARY',
  extension: 'md',
  render: async (report) => (await import('../markdown.js')).renderMarkdown(report),
  renderComparison: async (comparison) => (await import('../comparison.js')).renderComparisonMarkdown(comparison),
}
