// `lbbench report` for oclif: its arguments, flags and help; what it does is cli/report-command.ts.

import {Args, Command, Flags} from '@oclif/core'
import {reportFormats} from '../report/registry.js'

const formatNames = reportFormats.names.join(', ')
const reportFiles = reportFormats.all.flatMap((f) => (f.extension ? [`report.${f.extension}`] : [])).join(', ')

export default class Report extends Command {
  static override summary = 'Render a saved report (or comparison) in other formats.'
  static override description = `Reads a report.json written by \`lbbench run\` (or a comparison written by \`lbbench compare\`), checks it against the report schema, and renders it: ${formatNames}. As run and compare do, stdout gets one document at most: the terminal report when terminal is among the formats, else the one format asked for when only one is. The file formats (${reportFiles}) are written into --out, or without it, when several formats are asked for, beside the file read and named after it (baseline/failover.json → baseline/failover.md); their paths go to stderr. The Markdown report is appended to $GITHUB_STEP_SUMMARY whenever that is set, whatever the formats.

Exit codes: 0 rendered · 2 the file is missing, not JSON, or not a valid lbbench report, a flag is wrong, or the folder for the files cannot be used · 3 a file could not be written (a full disk).`

  static override examples = [
    '<%= config.bin %> report reports/failover-20250601-120000/report.json',
    '<%= config.bin %> report report.json --format markdown > summary.md',
    '<%= config.bin %> report report.json --format html,junit --out build/lbbench',
    '<%= config.bin %> report comparison.json --format terminal --no-color',
  ]

  static override args = {
    file: Args.string({required: true, description: 'A report.json (or comparison.json) written by lbbench.'}),
  }

  static override flags = {
    format: Flags.string({description: `Formats, comma-separated: ${formatNames}.`, default: 'terminal'}),
    out: Flags.string({description: 'Write the file formats into this folder (default: beside the file read, when several formats are asked for).'}),
    color: Flags.boolean({allowNo: true, description: 'Colour the terminal output (default: when stdout is a terminal, NO_COLOR unset; FORCE_COLOR forces).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Report)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {renderReportCommand} = await import('../cli/report-command.js')
    try {
      await renderReportCommand({file: args.file, formats: flags.format, out: flags.out, color: flags.color})
    } catch (error) {
      const {exitWith} = await import('../cli/exit-with.js')
      exitWith(this, error)
    }
  }
}
