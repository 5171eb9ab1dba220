// The junit format: thresholds as test cases, so CI systems show a failed threshold as a failed test.
import type {ReportFormat} from '../renderer.js'

export const junit: ReportFormat = {
  name: 'junit',
  summary: 'JUnit XML with one test case per threshold, for CI test views',
  extension: 'junit.xml',
  render: async (report) => (await import('../junit.js')).renderJunit(report),
  renderComparison: async (comparison) => (await import('../junit.js')).renderComparisonJunit(comparison),
}
