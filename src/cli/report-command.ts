// What `lbbench report` does apart from parsing flags: load and check a saved report or comparison, then
// deliver it as `run` and `compare` deliver theirs (deliver-document.ts): one document at most on stdout,
// the file formats written (into --out, or beside the file read when several formats are asked for) with
// their paths on stderr, the Markdown appended to the step summary when that is set.

import {basename, dirname, extname} from 'node:path'
import {applyColor, decideColor} from '../report/color.js'
import {ensureWritableFolder} from '../report/folder.js'
import {loadDocument} from '../report/load-document.js'
import {parseFormats} from '../report/render-document.js'
import {deliverDocument} from './deliver-document.js'

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
  const env = o.env ?? process.env
  const formats = parseFormats(o.formats)
  const doc = await loadDocument(o.file)
  const color = decideColor({flag: o.color, env, isTTY: stdout.isTTY})
  applyColor(color)
  const dir = filesFolder(o, formats)
  if (dir !== undefined) await ensureWritableFolder(dir, o.out === undefined ? `beside ${o.file}; --out picks another folder` : '--out')
  await deliverDocument(doc, dir, {
    formats,
    json: false,
    color,
    label: 'report',
    always: [],
    // Beside the file read, the files take its name (baseline/failover.json → baseline/failover.md).
    ...(o.out === undefined ? {baseName: basename(o.file, extname(o.file)), source: o.file} : {}),
    stdout,
    stderr: o.stderr,
    env,
  })
}

/** Where the file formats go: --out; without it, beside the file read when several formats are asked for. */
function filesFolder(o: ReportCommandOptions, formats: string[]): string | undefined {
  if (o.out !== undefined) return o.out
  return formats.length > 1 ? dirname(o.file) : undefined
}
