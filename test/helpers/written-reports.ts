// Every report a run writes must be one lbbench itself reads back: a run once wrote a second whose
// `sent` was −7,546, and `lbbench report` refused the file. The end-to-end helpers that run the CLI
// (cli.ts, and the compare tests' own) hand every run's output here once it has exited: each JSON
// report or comparison it says it wrote, and the JSON document on stdout, go through the same parse and
// schema check as `lbbench report` (report/load-document.ts).

import {existsSync, readFileSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'
import {parseDocument} from '../../src/report/load-document.js'

/** Why the documents a run wrote are not valid reports (empty when they all are). */
export async function invalidDocuments(stdout: string, stderr: string, cwd: string): Promise<string[]> {
  const problems: string[] = []
  const check = async (text: string, name: string) => {
    try {
      await parseDocument(text, name)
    } catch (error) {
      problems.push((error as Error).message)
    }
  }
  // What a run wrote is listed on stderr as `report: <path>` / `comparison: <path>` (cli/deliver-document.ts).
  const paths = new Set([...stderr.matchAll(/^(?:report|comparison): (\S+\.json)$/gm)].map((m) => (isAbsolute(m[1]) ? m[1] : join(cwd, m[1]))))
  for (const path of paths) if (existsSync(path)) await check(readFileSync(path, 'utf8'), path)
  if (isDocument(stdout)) await check(stdout, 'stdout')
  return problems
}

/** stdout is a report or comparison (`--json`, `--format json`), not some other output. */
function isDocument(stdout: string): boolean {
  try {
    const doc = JSON.parse(stdout) as Record<string, unknown>
    return typeof doc === 'object' && doc !== null && 'schemaVersion' in doc && ('series' in doc || doc.kind === 'comparison')
  } catch {
    return false
  }
}

/** Resolves with `result` once the documents are checked; rejects, naming what is wrong, when one is not a valid report. */
export async function withValidDocuments<T extends {stdout: string; stderr: string}>(result: T, cwd: string): Promise<T> {
  const problems = await invalidDocuments(result.stdout, result.stderr, cwd)
  if (problems.length > 0) throw new Error(`the run wrote a report lbbench refuses:\n${problems.join('\n')}`)
  return result
}
