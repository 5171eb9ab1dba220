// Where an external program is, searching PATH and the sbin folders a non-root PATH often lacks
// (Debian installs nginx and haproxy in /usr/sbin).
import {accessSync, constants} from 'node:fs'
import {delimiter, join} from 'node:path'

export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']
  for (const dir of dirs) {
    if (!dir) continue
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return undefined
}
