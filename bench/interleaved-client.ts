// A paced client that measures several subjects (ports) in turn, in short slices, over and over: a
// proxy's figure and the direct figure it is compared with are taken seconds apart, where the balancer
// bench's rounds take them a minute apart. (That did not narrow the spread, which is from second to second
// rather than a drift: docs/proxy-engines.md, "Placement".) A program of its own run with `node -e`, so
// that its event loop is not the bench's.
//
// First each port gets `warmMs` of 50 connections closed-loop (the JIT of a Node proxy settles). Then
// `cycles` cycles: in each, every port in turn (the order rotated by one every cycle, so that over a
// multiple of the port count each takes each place equally often) gets `connections` fresh keep-alive
// connections sending `rate` requests a second in all, evenly spread, each a GET waiting for its whole
// answer (bench/paced-connection.ts); the first `settleMs` are not measured (connections opening, caches
// warming), the next `sliceMs` are. A send that falls due while its connection still waits for an answer
// is skipped. One JSON line per cycle: per port, the answered requests' count, p50 and p99 in µs.

import {pacedConnectionCode, runClientProgram, type PacedResult} from './paced-connection.js'

const clientCode = `
const [rate, connections, warmMs, settleMs, sliceMs, cycles, ...ports] = process.argv.slice(1).map(Number)
${pacedConnectionCode}
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
  // Answers still on their way get up to half a second before the connections close.
  for (let i = 0; i < 100 && cs.some((c) => c.busy); i++) await sleep(5)
  for (const c of cs) c.close()
  return figures(took)
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

/** A slice's figures, each measured. */
export type SliceFigures = {[K in keyof PacedResult]: number}

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

/**
 * Runs the client over `ports`; resolves with one row per cycle, each with the figures of every port in
 * the order given. A slice without answers fails the run.
 */
export async function runInterleavedClient(ports: number[], o: InterleavedOptions, onCycle: (row: SliceFigures[]) => void): Promise<SliceFigures[][]> {
  const rows: SliceFigures[][] = []
  const args = [o.rate, o.connections, o.warmMs, o.settleMs, o.sliceMs, o.cycles, ...ports]
  await runClientProgram(
    clientCode,
    args,
    (line) => {
      const row = JSON.parse(line) as PacedResult[]
      if (row.length !== ports.length || row.some((f) => f.p50 === null || f.p99 === null)) throw new Error(`a cycle without answers from every port: ${line}`)
      rows.push(row as SliceFigures[])
      onCycle(row as SliceFigures[])
    },
    o.cpu,
  )
  return rows
}
