// What `lbbench report` does apart from parsing flags: load and check a saved report or comparison,
// then print or write it in the formats asked for.

import {relative} from 'node:path'
import {applyColor, decideColor} from '../report/color.js'
import {loadDocument} from '../report/load-document.js'
import {writesFile} from '../report/registry.js'
import {parseFormats, renderDocument} from '../report/render-document.js'
import {writeReportFiles} from '../report/write.js'

export interface ReportCommandOptions {
  file: string
  formats: string
  out?: string
  color?: boolean
  stdout?: NodeJS.WritableStream & {isTTY?: boolean; columns?: number}
  stderr?: NodeJS.WritableStream
  env?: NodeJS.ProcessEnv
}

export async function renderReportCommand(o: ReportCommandOptions): Promise<void> {
  const stdout = o.stdout ?? process.stdout
  const stderr = o.stderr ?? process.stderr
  const env = o.env ?? process.env
  const formats = parseFormats(o.formats)
  const doc = await loadDocument(o.file)
  const color = decideColor({flag: o.color, env, isTTY: stdout.isTTY})
  applyColor(color)
  const width = stdout.columns

  for (const f of formats.filter((f) => !writesFile(f))) stdout.write(await renderDocument(doc, f, {color, width}))
  const files = formats.filter(writesFile)
  if (o.out) {
    for (const path of await writeReportFiles(doc, o.out, files)) stderr.write(`report: ${shortPath(path)}\n`)
  } else {
    for (const f of files) stdout.write(await renderDocument(doc, f, {color: false, width}))
  }
  if (formats.includes('markdown') && env.GITHUB_STEP_SUMMARY) {
    const {appendStepSummary} = await import('../report/markdown.js')
    await appendStepSummary(await renderDocument(doc, 'markdown', {color: false}), env)
  }
}

/** Relative to the working folder when inside it, else as given. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') ? rel : path
}
