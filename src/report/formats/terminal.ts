// The terminal format: what a person reads right after a run, printed and never written to a file.
import type {ReportFormat} from '../renderer.js'

export const terminal: ReportFormat = {
  name: 'terminal',
  summary: 'tables and sparklines for a person at a terminal, in colour when the terminal has it',
  render: async (report, opts) => (await import('../terminal.js')).renderTerminal(report, opts),
  renderComparison: async (comparison, opts) => (await import('../comparison.js')).renderComparisonTerminal(comparison, opts),
}
