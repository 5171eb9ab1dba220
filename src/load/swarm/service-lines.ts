// The output of a Swarm service's tasks, line by line and task by task, through the engine's service
// logs (`docker service logs --raw --details`, followed). The tasks' messages come interleaved; each
// carries its task's id in the details before it, so each task's lines are put back together on their
// own. The engine splits a line longer than 16 KB into several messages, the last one ending in a
// newline: a task's message without one is kept until the rest of its line arrives.

import type {Docker} from '../../replicas/docker/engine.js'

export interface ServiceLineHandlers {
  /** A whole stdout line of a task (its number counts the task's stdout lines from 1). */
  line(task: string, text: string, lineNo: number): void
  /** A stderr line of a task. */
  error(task: string, text: string): void
  /** The log stream ended (the engine closed it). */
  end(): void
}

/** Follows the service's logs; returns a function that stops following. */
export async function followServiceLines(docker: Docker, serviceId: string, on: ServiceLineHandlers): Promise<() => void> {
  const stream = (await docker.getService(serviceId).logs({follow: true, stdout: true, stderr: true, details: true})) as unknown as NodeJS.ReadableStream & {destroy(): void}
  const partial = new Map<string, string>()
  const counts = new Map<string, number>()
  let pending = Buffer.alloc(0)
  let closed = false
  const message = (fd: number, payload: string) => {
    const space = payload.indexOf(' ')
    const task = /com\.docker\.swarm\.task\.id=([^, ]+)/.exec(payload.slice(0, space))?.[1] ?? '?'
    const key = `${fd}\0${task}`
    const text = (partial.get(key) ?? '') + payload.slice(space + 1)
    if (!text.endsWith('\n')) return void partial.set(key, text)
    partial.delete(key)
    for (const line of text.slice(0, -1).split('\n')) {
      if (fd === 2) on.error(task, line)
      else {
        const n = (counts.get(task) ?? 0) + 1
        counts.set(task, n)
        on.line(task, line, n)
      }
    }
  }
  stream.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk])
    // Frames of the engine's multiplexed stream: 1 byte stream (1 stdout, 2 stderr), 3 zero bytes, a
    // 4-byte big-endian length, then the message.
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4)
      if (pending.length < 8 + size) break
      message(pending[0], pending.subarray(8, 8 + size).toString('utf8'))
      pending = pending.subarray(8 + size)
    }
  })
  const ended = () => {
    if (closed) return
    closed = true
    on.end()
  }
  stream.on('end', ended)
  stream.on('error', ended)
  return () => {
    closed = true
    stream.destroy()
  }
}
