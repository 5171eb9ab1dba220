// Each slot's log file (replicas/<id>.log in the run's folder): the output of every task that filled
// the slot, one after another, each under a header line. A replica that does not become ready is
// reported with the last lines of it.
import {createWriteStream, type WriteStream} from 'node:fs'
import type {Docker} from '../docker/engine.js'

export function openSlotLog(file: string): WriteStream {
  const log = createWriteStream(file, {flags: 'a', mode: 0o600})
  // Output that arrives after stop() closed the file is dropped, not an unhandled 'error'.
  log.on('error', () => {})
  return log
}

/** Copies the container's output to the slot's log until the container ends. */
export async function followTaskLog(docker: Docker, containerId: string, header: string, log: WriteStream): Promise<void> {
  if (log.writableEnded) return
  log.write(`--- lbbench: ${header} (container ${containerId.slice(0, 12)}, ${new Date().toISOString()})\n`)
  try {
    const output = await docker.getContainer(containerId).logs({follow: true, stdout: true, stderr: true})
    const sink = {write: (chunk: Buffer) => (log.writableEnded ? true : log.write(chunk))} as unknown as NodeJS.WritableStream
    docker.modem.demuxStream(output, sink, sink)
    output.on('error', () => {})
  } catch {
    // Gone before its output could be read: its die event says how it ended.
  }
}
