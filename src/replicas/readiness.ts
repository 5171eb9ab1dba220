// "Ready" for a replica the harness did not write: its probe path answers 2xx/3xx, or, with no path,
// its port accepts TCP connections. Probed every 100 ms on 127.0.0.1 (or the loopback address of a
// system lbbench did not start) until the deadline.
import {connect} from 'node:net'
import {open} from 'node:fs/promises'
import {formatAddress} from '../process/loopback-address.js'
import {answeredOk, probeHttp} from '../process/wait-http.js'

export interface ReadinessProbe {
  /** A loopback address; default 127.0.0.1. */
  host?: string
  port: number
  path?: string
  timeoutMs: number
  /** Why the replica can no longer become ready (it exited), or undefined while it still may. */
  gone: () => string | undefined
}

/** Resolves once ready; rejects with the reason (an exit, or the timeout) as the message. */
export async function waitUntilReady(probe: ReadinessProbe): Promise<void> {
  const deadline = Date.now() + probe.timeoutMs
  let last = 'no answer yet'
  for (;;) {
    const gone = probe.gone()
    if (gone) throw new Error(gone)
    const remaining = deadline - Date.now()
    if (remaining <= 0) {
      const where = probe.host === undefined ? `port ${probe.port}` : formatAddress({host: probe.host, port: probe.port})
      const what = probe.path ? `GET ${probe.path} on ${where}` : `a connection to ${where}`
      throw new Error(`not ready after ${(probe.timeoutMs / 1000).toFixed(1)} s: ${what} (${last})`)
    }
    const attempt = Math.min(1000, Math.max(remaining, 50))
    const host = probe.host ?? '127.0.0.1'
    const result = probe.path ? await httpProbe(host, probe.port, probe.path, attempt) : await tcpProbe(host, probe.port, attempt)
    if (result === true) {
      // An exit between the probe and here still wins: a replica that dies at once is not ready.
      const goneNow = probe.gone()
      if (goneNow) throw new Error(goneNow)
      return
    }
    last = result
    await new Promise((r) => setTimeout(r, 100))
  }
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<true | string> {
  return new Promise((resolve) => {
    const socket = connect({port, host})
    const done = (result: true | string) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => done('connect timed out'))
    socket.once('connect', () => done(true))
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message))
  })
}

async function httpProbe(host: string, port: number, path: string, timeoutMs: number): Promise<true | string> {
  const answer = await probeHttp({host, port, path}, timeoutMs)
  if (answeredOk(answer)) return true
  if ('status' in answer) return `status ${answer.status}`
  return 'timedOut' in answer ? 'timed out' : (answer.error.code ?? answer.error.message)
}

/** The last `lines` lines of a log file (from its last 16 KiB), for "it failed, here is why" messages. */
export async function tailOfLog(file: string, lines = 20): Promise<string> {
  let handle
  try {
    handle = await open(file, 'r')
    const {size} = await handle.stat()
    const length = Math.min(size, 16384)
    const buf = Buffer.alloc(length)
    await handle.read(buf, 0, length, size - length)
    const text = buf.toString('utf8').replace(/\s+$/, '')
    if (!text) return '(no output)'
    return text.split('\n').slice(-lines).join('\n')
  } catch {
    return '(no output)'
  } finally {
    await handle?.close()
  }
}

/** One start of a replica at a time: a caller that asks while it is starting gets that same start. */
export function shareStart<T>(slot: {starting?: Promise<T>}, start: () => Promise<T>): Promise<T> {
  const starting = start().finally(() => {
    if (slot.starting === starting) slot.starting = undefined
  })
  slot.starting = starting
  return starting
}
