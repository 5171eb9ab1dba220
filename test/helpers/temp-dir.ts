// Scratch folders for tests, each removed when the test file's process exits (node:test runs every file in
// a process of its own), whatever the tests' outcome: a run of the suite leaves nothing in the system's
// temporary folder.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const made: string[] = []
process.once('exit', () => {
  for (const dir of made) rmSync(dir, {recursive: true, force: true})
})

/** A new folder `<tmp>/lbbench-<prefix>-XXXXXX`, removed when this process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lbbench-${prefix}-`))
  made.push(dir)
  return dir
}
