// A run's id and its folder: every run, alone or one of a comparison's, gets a folder of its own that
// two runs started at once never share. The reports folder it goes in is checked first (it can be made,
// a file can be written in it), so that a run that could not save its report never starts.

import {mkdir} from 'node:fs/promises'
import {randomBytes} from 'node:crypto'
import {join, resolve} from 'node:path'
import {UsageError} from '../model/errors.js'
import {ensureWritableFolder, fsReason} from '../report/folder.js'

/** A run's id: the scenario's name, the time, and a few random characters (two runs may start at once). */
export function newRunId(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-')
  return `${name}-${stamp}-${randomBytes(2).toString('hex')}`
}

/**
 * The run's folder under the reports folder: its reports, the replicas' logs, generated balancer
 * configs. Private (0700): it holds control tokens and sockets. A reports folder that cannot be made or
 * written in is a usage error (exit 2) that says why.
 */
export async function makeRunDir(reportsDir: string, runId: string): Promise<string> {
  await ensureWritableFolder(reportsDir)
  const dir = resolve(join(reportsDir, runId))
  await mkdir(dir, {mode: 0o700}).catch((e: unknown) => {
    throw new UsageError(`cannot use ${reportsDir} for reports (--out): cannot make ${dir}: ${fsReason(e)}`)
  })
  return dir
}
