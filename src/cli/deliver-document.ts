// How `lbbench run` and `lbbench compare` end alike: the report (or comparison) is written into its
// folder (JSON always, plus the file formats asked for), printed on stdout (the formats without a file,
// terminal, or only the JSON with --json), the files' paths go to stderr, and its Markdown to GitHub's step summary when
// GITHUB_STEP_SUMMARY is set.

import {relative} from 'node:path'
import {renderDocument, type Document} from '../report/render-document.js'
import {writesFile} from '../report/registry.js'
import {writeReportFiles} from '../report/write.js'

export interface DeliverOptions {
  formats: string[]
  json: boolean
  color: boolean
  /** What each written file's path is called on stderr: `report`, `comparison`. */
  label: string
}

export async function deliverDocument(doc: Document, dir: string, o: DeliverOptions): Promise<void> {
  // report.json (comparison.json) is always written: `lbbench report`, baselines and other tools read it.
  const files = await writeReportFiles(doc, dir, ['json', ...o.formats.filter(writesFile)])
  if (o.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
  else {
    for (const f of o.formats.filter((f) => !writesFile(f))) process.stdout.write(await renderDocument(doc, f, {color: o.color, width: process.stdout.columns}))
  }
  for (const f of files) process.stderr.write(`${o.label}: ${relative(process.cwd(), f) || f}\n`)
  if (process.env.GITHUB_STEP_SUMMARY) {
    const {appendStepSummary} = await import('../report/markdown.js')
    await appendStepSummary(await renderDocument(doc, 'markdown', {color: false}))
  }
}
