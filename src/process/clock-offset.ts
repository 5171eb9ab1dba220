// How far this machine's clock is from true time, as chrony estimates it. Shards on several machines
// start at one instant of their own clocks; their offsets bound how far apart those starts really were.
// Without chrony (or when it does not answer) the offset is not known, and the merged report says so.

import {execFile} from 'node:child_process'
import {findProgram} from './find-program.js'

/**
 * The clock's offset in ms, positive when it is ahead (`chronyc -c tracking`: its fifth field is the
 * correction still to apply, positive when the clock is slow); null when unknown.
 */
export async function clockOffsetMs(timeoutMs = 1000): Promise<number | null> {
  const chronyc = findProgram('chronyc')
  if (!chronyc) return null
  const out = await new Promise<string | undefined>((resolve) => {
    execFile(chronyc, ['-c', 'tracking'], {timeout: timeoutMs}, (error, stdout) => resolve(error ? undefined : stdout))
  })
  return out === undefined ? null : parseTracking(out)
}

/** The offset in a `chronyc -c tracking` line, or null. */
export function parseTracking(line: string): number | null {
  const correction = Number(line.trim().split(',')[4])
  return line.trim() === '' || !Number.isFinite(correction) ? null : Math.round(-correction * 1e6) / 1e3
}
