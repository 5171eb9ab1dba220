// How `lbbench run`, `lbbench compare` and `lbbench report` end, by one rule:
// - stdout carries one document at most, so that it can always be piped or redirected: the JSON with
//   --json; else the terminal report when `terminal` is among the formats (the default); else the format
//   asked for, when only one is; else (several file formats) nothing.
// - every format that makes a file (json, markdown, html, junit) is written into one folder (run and
//   compare: the run's folder, where the JSON document always goes; report: --out, or beside the file it
//   read when several formats are asked for), and each path is listed on stderr.
// - the Markdown goes to GitHub's step summary whenever GITHUB_STEP_SUMMARY is set, whatever the formats.
// A file that cannot be written (a disk that filled up) stops nothing else: the document is printed, the
// files written are listed, the summary appended, and then the error says what failed where (exit 3).

import {relative} from 'node:path'
import {LbbenchError, RunError} from '../model/errors.js'
import {renderDocument, type Document} from '../report/render-document.js'
import {writesFile} from '../report/registry.js'
import {ReportWriteError, writeReportFiles} from '../report/write.js'

interface Out {
  write(chunk: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface DeliverOptions {
  formats: string[]
  json: boolean
  color: boolean
  /** What each written file's path is called on stderr: `report`, `comparison`. */
  label: string
  /** Formats written as files whatever was asked; by default json (run and compare always save their document). */
  always?: string[]
  /** File name without extension; by default `report` or `comparison`. */
  baseName?: string
  /** The file the document was read from (`lbbench report`): not written again. */
  source?: string
  stdout?: Out
  stderr?: Out
  env?: NodeJS.ProcessEnv
}

/** The one format stdout gets, if any (see the rule above). */
export function stdoutFormat(formats: readonly string[], json: boolean): string | undefined {
  if (json) return 'json'
  if (formats.includes('terminal')) return 'terminal'
  return formats.length === 1 ? formats[0] : undefined
}

/** Prints, writes (into `dir`; none: no file) and appends the document, by the rule above. */
export async function deliverDocument(doc: Document, dir: string | undefined, o: DeliverOptions): Promise<void> {
  const stdout = o.stdout ?? process.stdout
  const stderr = o.stderr ?? process.stderr
  const env = o.env ?? process.env
  const {written, failure} = dir === undefined ? {written: []} : await writeFiles(doc, dir, o)
  const shown = stdoutFormat(o.formats, o.json)
  if (shown) stdout.write(await renderDocument(doc, shown, {color: shown === 'terminal' && o.color, width: stdout.columns}))
  for (const f of written) stderr.write(`${o.label}: ${shortPath(f)}\n`)
  const summaryFailure = await appendSummary(doc, env)
  if (failure) {
    const before = failure.written.length > 0 ? `; written: ${failure.written.map(shortPath).join(', ')}` : '; no file of it was written'
    throw new RunError(`the ${o.label} could not be saved: writing ${shortPath(failure.path)} failed: ${failure.reason}${before}`)
  }
  if (summaryFailure) throw summaryFailure
}

async function writeFiles(doc: Document, dir: string, o: DeliverOptions): Promise<{written: string[]; failure?: ReportWriteError}> {
  const formats = [...(o.always ?? ['json']), ...o.formats].filter(writesFile)
  try {
    const written = await writeReportFiles(doc, dir, formats, {baseName: o.baseName, skip: o.source})
    return {written}
  } catch (error) {
    if (error instanceof ReportWriteError) return {written: error.written, failure: error}
    throw error
  }
}

/** Appends the Markdown to $GITHUB_STEP_SUMMARY when set; a failure to is returned, to end with exit 3. */
async function appendSummary(doc: Document, env: NodeJS.ProcessEnv): Promise<LbbenchError | undefined> {
  if (!env.GITHUB_STEP_SUMMARY) return undefined
  const {appendStepSummary} = await import('../report/markdown.js')
  const {fsReason} = await import('../report/folder.js')
  try {
    await appendStepSummary(await renderDocument(doc, 'markdown', {color: false}), env)
    return undefined
  } catch (error) {
    return new RunError(`could not append to the step summary ${env.GITHUB_STEP_SUMMARY}: ${fsReason(error)}`)
  }
}

/** Relative to the working folder, as the paths are printed (scripts and tests resolve them from there). */
export function shortPath(path: string): string {
  return relative(process.cwd(), path) || path
}
