// Ending a child process: ask it first (close its channel, send it a message, or SIGTERM), then SIGKILL
// it when it has not gone after a grace time, so that stopping any part of a run is bounded even when
// the part hangs.
import type {ChildProcess} from 'node:child_process'

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

/** Calls `ask` (what asks `child` to end) and SIGKILLs it after `graceMs`; resolves once it has exited. */
export function endChild(child: ChildProcess, ask: () => void, graceMs: number): Promise<void> {
  if (hasExited(child)) return Promise.resolve()
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(hard)
      resolve()
    })
    ask()
  })
}
