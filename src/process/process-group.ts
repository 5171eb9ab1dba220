// Process groups, read from /proc (Linux): a process's group, and a group's members. Used to list nginx's
// workers, which a reload replaces, to take a group leader's group with it, and to check that nothing is
// left after a stop.
import {readdirSync} from 'node:fs'
import {statFields} from './proc-stat.js'

/** Pids whose process group is `pgid` (empty when /proc cannot be read). */
export function groupMembers(pgid: number): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const out: number[] = []
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue
    const fields = statFields(name) // undefined: the process ended while we looked
    if (fields && Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name))
  }
  return out
}

/** The process group of `pid` (undefined once it is gone). */
export function processGroupOf(pid: number): number | undefined {
  const fields = statFields(pid)
  return fields && Number(fields[2])
}
