// Process groups, read from /proc (Linux): a process's group, and a group's members. Used to list nginx's
// workers, which a reload replaces, to take a group leader's group with it, and to check that nothing is
// left after a stop.
import {readdirSync, readFileSync} from 'node:fs'

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
    try {
      // /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name))
    } catch {
      // the process ended while we looked
    }
  }
  return out
}

/** The process group of `pid` (undefined once it is gone). */
export function processGroupOf(pid: number): number | undefined {
  try {
    // /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
  } catch {
    return undefined
  }
}
