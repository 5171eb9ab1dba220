// A paced client that measures several subjects (ports) in turn, in short slices, over and over: a
// proxy's figure and the direct figure it is compared with are taken seconds apart, where the balancer
// bench's rounds take them a minute apart. (That did not narrow the spread, which is from second to second
// rather than a drift: docs/proxy-engines.md, "Placement".) A program of its own run with `node -e`, so
// that its event loop is not the bench's.
//
// First each port gets `warmMs` of 50 connections closed-loop (the JIT of a Node proxy settles). Then
// `cycles` cycles: in each, every port in turn (the order rotated every cycle, so that each subject takes each
// place in it equally often) gets `connections` fresh keep-alive connections sending `rate` requests a
// second in all, evenly spread, each a GET waiting for its whole answer; the first `settleMs` are not
// measured (connections opening, caches warming), the next `sliceMs` are. A send that falls due while its
// connection still waits for an answer is skipped. One JSON line per cycle: per port, the answered
// requests' count, p50 and p99 in µs.

import {spawn} from 'node:child_process'
import {pacedConnectionCode} from './paced-connection.js'

const clientCode = `
const [rate, connections, warmMs, settleMs, sliceMs, cycles, ...ports] = process.argv.slice(1).map(Number)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
${pacedConnectionCode}
async function closedLoop(port, ms) {
  let on = true
  const cs = Array.from({length: 50}, () => { const c = connection(port, () => { if (on) c.send() }); c.connected.then(() => c.send()); return c })
  await sleep(ms)
  on = false
  await sleep(50)
  for (const c of cs) c.socket.destroy()
}
async function slice(port) {
  const took = []
  let measuring = false
  const cs = Array.from({length: connections}, () => connection(port, (us) => { if (measuring) took.push(us) }))
  await Promise.all(cs.map((c) => c.connected))
  const every = (1000 * connections) / rate
  const timers = cs.map((c, i) => setTimeout(() => timers.push(setInterval(() => c.send(), every)), (i * every) / connections))
  await sleep(settleMs)
  measuring = true
  await sleep(sliceMs)
  measuring = false
  for (const t of timers) clearTimeout(t)
  // Answers still on their way are let in before the connections close, so no proxy sees a request cut off.
  for (let i = 0; i < 100 && cs.some((c) => c.busy); i++) await sleep(5)
  for (const c of cs) c.socket.end()
  took.sort((a, b) => a - b)
  return {requests: took.length, p50: took[took.length >> 1], p99: took[Math.floor(took.length * 0.99)]}
}
;(async () => {
  for (const port of ports) await closedLoop(port, warmMs)
  for (let cycle = 0; cycle < cycles; cycle++) {
    const row = new Array(ports.length)
    for (let k = 0; k < ports.length; k++) {
      const i = (k + cycle) % ports.length
      row[i] = await slice(ports[i])
    }
    process.stdout.write(JSON.stringify(row) + '\\n')
  }
  process.exit(0)
})()
`

export interface SliceFigures {
  requests: number
  p50: number
  p99: number
}

export interface InterleavedOptions {
  rate: number
  connections: number
  warmMs: number
  settleMs: number
  sliceMs: number
  cycles: number
  /** The CPU the client runs on (taskset -c), or anywhere. */
  cpu?: number
}

/** Runs the client over `ports` (killed on `signal`); resolves with one row per cycle, each with the figures of every port in the order given. */
export async function runInterleavedClient(ports: number[], o: InterleavedOptions, signal: AbortSignal, onCycle: (row: SliceFigures[]) => void): Promise<SliceFigures[][]> {
  const args = [o.rate, o.connections, o.warmMs, o.settleMs, o.sliceMs, o.cycles, ...ports].map(String)
  const command = [process.execPath, '-e', clientCode, ...args]
  if (o.cpu !== undefined) command.unshift('taskset', '-c', String(o.cpu))
  const child = spawn(command[0], command.slice(1), {stdio: ['ignore', 'pipe', 'inherit'], signal})
  child.on('error', () => {}) // an abort kills it; its exit says so below
  const rows: SliceFigures[][] = []
  let partial = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    const lines = (partial + text).split('\n')
    partial = lines.pop()!
    for (const line of lines) {
      const row = JSON.parse(line) as SliceFigures[]
      rows.push(row)
      onCycle(row)
    }
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`the interleaved client exited with ${code}`)
  return rows
}
