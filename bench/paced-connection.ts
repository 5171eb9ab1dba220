// What the paced clients (bench/floor-processes.ts, bench/interleaved-client.ts) share: program text for
// their `node -e` processes, and how such a process is run from the bench.
// - `connection(port, answered)`: one keep-alive connection that sends a GET when told to (a send while
//   the answer before it is awaited is skipped) and calls `answered(µs)` once the whole answer (its head
//   and Content-Length bytes) is in; `close()` ends it. An error on an open connection ends the client
//   with exit 3.
// - `closedLoop(port, ms)`: 50 connections closed-loop for `ms` (a Node proxy's JIT settles), then closed.
// - `figures(took)`: the count, p50 and p99 of the answers' times (µs; null without answers).

import {spawn} from 'node:child_process'

export const pacedConnectionCode = `
const request = Buffer.from('GET / HTTP/1.1\\r\\nhost: 127.0.0.1\\r\\n\\r\\n')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
function connection(port, answered) {
  const s = require('node:net').connect(port, '127.0.0.1')
  s.setNoDelay(true)
  let closing = false
  s.on('error', (err) => { if (closing) return; console.error('paced client: ' + err.message); process.exit(3) })
  let buf = Buffer.alloc(0), need = -1, sentAt = 0n, busy = false
  s.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d
    if (need < 0) {
      const e = buf.indexOf('\\r\\n\\r\\n')
      if (e < 0) return
      need = e + 4 + Number(/content-length: *(\\d+)/i.exec(buf.toString('latin1', 0, e))[1])
    }
    if (buf.length < need) return
    const us = Number(process.hrtime.bigint() - sentAt) / 1000
    buf = buf.subarray(need); need = -1; busy = false
    answered(us)
  })
  const connected = new Promise((r) => s.once('connect', r))
  return {
    connected,
    get busy() { return busy },
    send() { if (busy) return; busy = true; sentAt = process.hrtime.bigint(); s.write(request) },
    close() { closing = true; s.end() },
  }
}
async function closedLoop(port, ms) {
  let on = true
  const cs = Array.from({length: 50}, () => { const c = connection(port, () => { if (on) c.send() }); c.connected.then(() => c.send()); return c })
  await sleep(ms)
  on = false
  await sleep(50)
  for (const c of cs) c.close()
}
function figures(took) {
  took.sort((a, b) => a - b)
  if (took.length === 0) return {requests: 0, p50: null, p99: null}
  return {requests: took.length, p50: took[took.length >> 1], p99: took[Math.floor(took.length * 0.99)]}
}
`

/** A paced client's figures (µs); p50 and p99 are null when nothing was answered. */
export interface PacedResult {
  requests: number
  p50: number | null
  p99: number | null
}

/**
 * Runs `code` with `node -e` (pinned to `cpu` with taskset when given), handing each line it prints to
 * `onLine` with the program's pid; resolves once it exited 0 and every line was handled, rejects when it
 * could not start, exited otherwise, or `onLine` threw (the program is killed then).
 */
export async function runClientProgram(code: string, args: Array<string | number>, onLine: (line: string, pid: number) => void, cpu?: number): Promise<void> {
  const command = [process.execPath, '-e', code, ...args.map(String)]
  if (cpu !== undefined) command.unshift('taskset', '-c', String(cpu))
  const child = spawn(command[0], command.slice(1), {stdio: ['ignore', 'pipe', 'inherit']})
  let failed: Error | undefined
  let partial = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    const lines = (partial + text).split('\n')
    partial = lines.pop()!
    for (const line of lines) {
      if (failed) return
      try {
        onLine(line, child.pid!)
      } catch (error) {
        failed = error as Error
        child.kill()
      }
    }
  })
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  if (failed) throw failed
  if (exitCode !== 0) throw new Error(`the paced client exited with ${exitCode}`)
}
