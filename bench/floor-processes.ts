// The two helper processes of bench/proxy-floor.ts, each a short program run with `node -e`:
// - a forwarder that parses nothing: each client connection is tied to one backend connection (round-robin
//   over the backends at accept) and bytes are passed on as they arrive, the backend side read through
//   node:net's `onread` as the lean engine reads it. It is the least any forwarder written on node:net does
//   per request: what is left above it in the lean engine is the engine's own work. It can be told to
//   spin for some µs just before or just after each write (the same CPU at another place), to show what
//   a proxy's CPU per request does to the latency at this rate.
// - a paced client (its connections: bench/paced-connection.ts): 50 connections closed-loop for the
//   warm-up (so the proxy's code is optimised, as in the bench's phases), then `connections` keep-alive connections sending `rate` requests a second in
//   all, evenly spread, each a GET waiting for its whole answer. A send that falls due while its
//   connection still waits for an answer is skipped, so the figures are of the answered requests (CPU
//   is divided by their count; the p99 is not corrected for skipped sends, the p50 hardly moves). It
//   prints `start` and `end` around the measured part, then the p50 and p99 in µs as JSON.

import {spawn} from 'node:child_process'
import type {Running} from './balancer-subject.js'
import {pacedConnectionCode, runClientProgram, type PacedResult} from './paced-connection.js'

const forwarderCode = `
const net = require('node:net')
const [beforeUs, afterUs, ...ports] = process.argv.slice(1).map(Number)
const spin = (us) => { if (us === 0) return; const until = process.hrtime.bigint() + BigInt(us * 1000); while (process.hrtime.bigint() < until); }
const shared = Buffer.allocUnsafe(65536)
let n = 0
const server = net.createServer({noDelay: true}, (client) => {
  const port = ports[n++ % ports.length]
  const pass = (to, bytes) => { spin(beforeUs); to.write(bytes); spin(afterUs) }
  const backend = net.connect({port, host: '127.0.0.1', noDelay: true, onread: {buffer: shared, callback: (k) => { pass(client, Buffer.from(shared.subarray(0, k))); return true }}})
  client.on('data', (d) => pass(backend, d))
  for (const [a, b] of [[client, backend], [backend, client]]) { a.on('error', () => b.destroy()); a.on('close', () => b.destroy()) }
})
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'))
process.stdin.on('end', () => process.exit()).resume()
`

const clientCode = `
const [port, rate, connections, warmMs, measureMs] = process.argv.slice(1).map(Number)
${pacedConnectionCode}
;(async () => {
  await closedLoop(port, warmMs)
  const took = []
  let measuring = false
  const every = (1000 * connections) / rate
  const paced = Array.from({length: connections}, () => connection(port, (us) => { if (measuring) took.push(us) }))
  paced.forEach((c, i) => setTimeout(() => setInterval(() => c.send(), every), 200 + (i * every) / connections))
  await sleep(1200)
  measuring = true
  process.stdout.write('start\\n')
  await sleep(measureMs)
  measuring = false
  process.stdout.write('end\\n' + JSON.stringify(figures(took)) + '\\n')
  process.exit(0)
})()
`

/** The forwarder in front of `ports`, spinning `spin.beforeUs` before and `spin.afterUs` after each write, as a running subject. */
export async function startFloor(ports: number[], spin = {beforeUs: 0, afterUs: 0}): Promise<Running> {
  const args = [spin.beforeUs, spin.afterUs, ...ports].map(String)
  // Its stdin is a pipe from here: it ends when that closes, however this process ends.
  const child = spawn(process.execPath, ['-e', forwarderCode, ...args], {stdio: ['pipe', 'pipe', 'inherit']})
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d))))
    child.once('exit', () => reject(new Error('the floor forwarder exited')))
  })
  return {port, pids: [child.pid!], stop: async () => void (child.stdin.end(), await exited)}
}

/** Runs the paced client against `port`; `mark('start' | 'end', its pid)` is called around the measured part. */
export async function runPacedClient(port: number, o: {rate: number; connections: number; warmMs: number; measureMs: number}, mark: (what: 'start' | 'end', clientPid: number) => void): Promise<{requests: number; p50: number; p99: number}> {
  let result: PacedResult | undefined
  await runClientProgram(clientCode, [port, o.rate, o.connections, o.warmMs, o.measureMs], (line, pid) => {
    if (line === 'start' || line === 'end') mark(line, pid)
    else result = JSON.parse(line) as PacedResult
  })
  if (result?.p50 == null || result.p99 == null) throw new Error('the paced client got no answers')
  return {requests: result.requests, p50: result.p50, p99: result.p99}
}
