// The folder report files go to (`--out`), checked before anything starts: a run that cannot write its
// report must not run for minutes first and then fail with a raw Node error. The folder is made one level
// at a time, since Node's recursive mkdir never returns for a path under /proc; then a probe file is
// written and removed, which finds a read-only or full file system and a folder without permission.

import {randomBytes} from 'node:crypto'
import {mkdir, rm, stat, writeFile} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {UsageError} from '../model/errors.js'

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
}

/** Why a file-system call failed, in words, with its code: `no space left on the device (ENOSPC)`. */
export function fsReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  const words = e.code ? REASONS[e.code] : undefined
  return words ? `${words} (${e.code})` : e.message
}

/**
 * Makes `dir` (and its missing parents) and checks that a file can be written in it; throws UsageError
 * (exit 2) naming the folder and why not. `flag` says where the folder came from, for the message.
 */
export async function ensureWritableFolder(dir: string, flag = '--out'): Promise<void> {
  const fail = (why: string) => new UsageError(`cannot use ${dir} for reports (${flag}): ${why}`)
  const missing: string[] = []
  let path = resolve(dir)
  for (;;) {
    const found = await stat(path).catch((e: NodeJS.ErrnoException) => e)
    if (!(found instanceof Error)) {
      if (!found.isDirectory()) throw fail(`${path} is a file, not a folder`)
      break
    }
    // ENOTDIR: a parent is a file; going up finds which.
    if (found.code !== 'ENOENT' && found.code !== 'ENOTDIR') throw fail(`${path}: ${fsReason(found)}`)
    missing.unshift(path)
    path = dirname(path)
  }
  for (const level of missing) {
    await mkdir(level).catch((e: NodeJS.ErrnoException) => {
      // ENOENT with the parent there: a file system that takes no new folders (/proc, /sys).
      if (e.code === 'EEXIST') return
      throw fail(e.code === 'ENOENT' ? `${dirname(level)} takes no new folders (ENOENT)` : `cannot make ${level}: ${fsReason(e)}`)
    })
  }
  const probe = join(resolve(dir), `.lbbench-probe-${process.pid}-${randomBytes(4).toString('hex')}`)
  try {
    await writeFile(probe, 'lbbench checks that reports can be written here\n')
  } catch (e) {
    throw fail(`cannot write in it: ${fsReason(e)}`)
  } finally {
    await rm(probe, {force: true}).catch(() => {})
  }
}
