// A run's id and its folder: every run, alone or one of a comparison's, gets a folder of its own that
// two runs started at once never share.

import {mkdir} from 'node:fs/promises'
import {randomBytes} from 'node:crypto'
import {join, resolve} from 'node:path'

/** A run's id: the scenario's name, the time, and a few random characters (two runs may start at once). */
export function newRunId(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-')
  return `${name}-${stamp}-${randomBytes(2).toString('hex')}`
}

/**
 * The run's folder under the reports folder: its reports, the replicas' logs, generated balancer
 * configs. Private (0700): it holds control tokens and sockets.
 */
export async function makeRunDir(reportsDir: string, runId: string): Promise<string> {
  const dir = resolve(join(reportsDir, runId))
  await mkdir(dir, {recursive: true, mode: 0o700})
  return dir
}
