// How many files a child of this process may open: the hard RLIMIT_NOFILE, read from /proc/self/limits.
// Node cannot call getrlimit, and it raises its own soft limit to the hard one at start-up, so the hard
// limit is what every child (a proxy, nginx, HAProxy) can have without privileges. A balancer needs about
// two descriptors per connection, so a run's connection count is sized and checked against it.
import {readFileSync} from 'node:fs'

/** The hard limit on open files, or undefined where it cannot be read (no /proc) or is unlimited. */
export function openFilesHardLimit(limitsFile = '/proc/self/limits'): number | undefined {
  try {
    return parseOpenFilesHardLimit(readFileSync(limitsFile, 'utf8'))
  } catch {
    return undefined
  }
}

/** The hard column of the "Max open files" line of a /proc/<pid>/limits text. */
export function parseOpenFilesHardLimit(limits: string): number | undefined {
  const match = /^Max open files\s+\S+\s+(\S+)/m.exec(limits)
  const hard = match ? Number(match[1]) : NaN
  return Number.isInteger(hard) && hard > 0 ? hard : undefined
}
