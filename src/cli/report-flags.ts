// The flags of the commands that end in a report (run, merge): where it goes, how it looks, and what it is
// compared with. Written once so that both commands take and explain them alike.
import {Flags} from '@oclif/core'
import {reportFormats} from '../report/registry.js'

export const reportFlags = {
  json: Flags.boolean({description: 'Print only the JSON report on stdout; anything else goes to stderr.'}),
  format: Flags.string({
    description: `Output formats, comma-separated: ${reportFormats.names.join(', ')}. report.json is always written.`,
    default: 'terminal',
  }),
  color: Flags.boolean({allowNo: true, description: 'Colour the terminal output (default: when stdout is a terminal and NO_COLOR is unset).'}),
  baseline: Flags.string({description: 'A saved report.json to compare with: a metric worse by more than --tolerance and beyond the per-second noise of both runs is a regression (exit 1).'}),
  tolerance: Flags.string({description: 'With --baseline: how much worse a metric may get before it counts, as a percentage of its baseline value (default 10%).'}),
  force: Flags.boolean({description: 'With --baseline: compare even when the baseline was made from another scenario (its hash differs).'}),
}
