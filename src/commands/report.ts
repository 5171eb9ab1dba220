// `lbbench report` for oclif: its arguments, flags and help; what it does is cli/report-command.ts.

import {Args, Command, Flags} from '@oclif/core'
import {reportFormats} from '../report/registry.js'

const formatNames = reportFormats.names.join(', ')
const reportFiles = reportFormats.all.flatMap((f) => (f.extension ? [`report.${f.extension}`] : [])).join(', ')
const printedOnly = reportFormats.all.flatMap((f) => (f.extension ? [] : [f.name])).join(', ')

export default class Report extends Command {
  static override summary = 'Render a saved report (or comparison) in other formats.'
  static override description = `Reads a report.json written by \`lbbench run\` (or a comparison written by \`lbbench compare\`), checks it against the report schema, and renders it: ${formatNames}. Without --out each format is printed on stdout; with --out the file formats are written into that folder (${reportFiles}) and their paths printed on stderr, while ${printedOnly} still goes to stdout. Markdown is also appended to $GITHUB_STEP_SUMMARY when that is set.

Exit codes: 0 rendered · 2 the file is missing, not JSON, or not a valid lbbench report, or a flag is wrong.`

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
    out: Flags.string({description: 'Write the file formats into this folder instead of printing them.'}),
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
