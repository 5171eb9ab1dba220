// Report files are written atomically (a temporary file in the same folder, then a rename), so a reader,
// a CI upload step or a crash mid-write never sees half a report. A file that cannot be written (a disk
// that filled up during the run) is exit 3, and the error says which files were written before it.

import {randomBytes} from 'node:crypto'
import {mkdir, rename, rm, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'
import {RunError} from '../model/errors.js'
import {isComparison} from './comparison.js'
import {fsReason} from './folder.js'
import {reportFormats} from './registry.js'
import {renderDocument, type Document} from './render-document.js'

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path)
  await mkdir(dir, {recursive: true})
  // Same folder: a rename within one file system is atomic; across file systems it is a copy.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(temp, content)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
}

/** A report file could not be written: exit 3. `written` are the files written before it. */
export class ReportWriteError extends RunError {
  constructor(readonly path: string, readonly reason: string, readonly written: string[]) {
    super(`could not write ${path}: ${reason}${written.length > 0 ? `; written before it: ${written.join(', ')}` : ''}`)
  }
}

export interface WriteOptions {
  /** File name without extension; default `report` (or `comparison`). */
  baseName?: string
  /** A path not to write (the document that was read, which is that file already). */
  skip?: string
}

/**
 * Writes a report (or a comparison) in each format that makes a file (one with an extension: `terminal`
 * is skipped) into dir, as `<baseName>.<extension>`; returns the paths written, in the order of `formats`.
 * Stops at the first file that cannot be written, with ReportWriteError.
 */
export async function writeReportFiles(doc: Document, dir: string, formats: readonly string[], opts: WriteOptions = {}): Promise<string[]> {
  const base = opts.baseName ?? (isComparison(doc) ? 'comparison' : 'report')
  const paths: string[] = []
  for (const format of new Set(formats)) {
    const kind = reportFormats.get(format)
    if (!kind) throw new Error(`no format ${format}`)
    if (kind.extension === undefined) continue
    const path = join(dir, `${base}.${kind.extension}`)
    if (opts.skip !== undefined && resolve(path) === resolve(opts.skip)) continue
    const text = await renderDocument(doc, format, {color: false})
    await writeFileAtomic(path, text).catch((e: unknown) => {
      throw new ReportWriteError(path, fsReason(e), paths)
    })
    paths.push(path)
  }
  return paths
}
