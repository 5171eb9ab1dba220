// Reading a saved report or comparison back (`lbbench report`, baselines): every way the file can be
// wrong is a clear message and exit 2, never a stack trace or a half-rendered report.

import {readFile} from 'node:fs/promises'
import type {z} from 'zod'
import {UsageError} from '../model/errors.js'
import type {Document} from './render-document.js'

function describeIssues(issues: z.core.$ZodIssue[], max = 5): string {
  const lines = issues.slice(0, max).map((i) => `  ${i.path.length > 0 ? i.path.join('.') : '(top)'}: ${i.message}`)
  if (issues.length > max) lines.push(`  … and ${issues.length - max} more`)
  return lines.join('\n')
}

/** Parses and validates the text of a saved report or comparison; `name` is for messages. */
export async function parseDocument(text: string, name: string): Promise<Document> {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${name}: not JSON (${(error as Error).message})`)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`${name}: not an lbbench report (expected a JSON object)`)
  const version = (doc as {schemaVersion?: unknown}).schemaVersion
  if (version !== 1) {
    throw new UsageError(`${name}: not an lbbench report v1 (schemaVersion is ${JSON.stringify(version) ?? 'missing'}; this lbbench reads version 1)`)
  }
  const {reportSchema, comparisonSchema} = await import('./report-schema.js')
  const isComparison = (doc as {kind?: unknown}).kind === 'comparison'
  const result = (isComparison ? comparisonSchema : reportSchema).safeParse(doc)
  if (!result.success) {
    throw new UsageError(`${name}: not a valid lbbench ${isComparison ? 'comparison' : 'report'}:\n${describeIssues(result.error.issues)}`)
  }
  // The parsed value keeps unknown keys (loose objects), so nothing a later version added is lost.
  return result.data as unknown as Document
}

export async function loadDocument(path: string): Promise<Document> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new UsageError(`${path}: ${why}`)
  }
  return parseDocument(text, path)
}
