// The two helper processes of bench/proxy-floor.ts, each a short program run with `node -e`:
// - a forwarder that parses nothing: each client connection is tied to one backend connection (round-robin
//   over the backends at accept) and bytes are passed on as they arrive, the backend side read through
//   node:net's `onread` as the lean engine reads it. It is the least any forwarder written on node:net does
//   per request: what is left above it in the lean engine is the engine's own work. It can be told to
//   spin for some µs just before or just after each write (the same CPU at another place), to show what
//   a proxy's CPU per request does to the latency at this rate.
// - a paced client: 50 connections closed-loop for the warm-up (so the proxy's code is optimised, as in
//   the bench's phases), then `connections` keep-alive connections sending `rate` requests a second in
//   all, evenly spread, each a GET waiting for its whole answer. A send that falls due while its
//   connection still waits for an answer is skipped, so the figures are of the answered requests (CPU
//   is divided by their count; the p99 is not corrected for skipped sends, the p50 hardly moves). It
//   prints `start` and `end` around the measured part, then the p50 and p99 in µs as JSON.

import {spawn, type ChildProcess} from 'node:child_process'
import {pacedConnectionCode} from './paced-connection.js'

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
const client = (answered) => connection(port, answered)
let part = 'warm-up'
const took = []
const warm = Array.from({length: 50}, () => { const c = client(() => { if (part === 'warm-up') c.send() }); c.socket.on('connect', () => c.send()); return c })
setTimeout(() => {
  part = 'paced'
  for (const c of warm) c.socket.destroy()
  const every = (1000 * connections) / rate
  const paced = Array.from({length: connections}, () => client((us) => { if (part === 'measured') took.push(us) }))
  paced.forEach((c, i) => setTimeout(() => setInterval(() => c.send(), every), 200 + (i * every) / connections))
  setTimeout(() => {
    part = 'measured'
    process.stdout.write('start\\n')
    setTimeout(() => {
      part = 'done'
      process.stdout.write('end\\n')
      took.sort((a, b) => a - b)
      process.stdout.write(JSON.stringify({requests: took.length, p50: took[took.length >> 1], p99: took[Math.floor(took.length * 0.99)]}) + '\\n')
      process.exit(0)
    }, measureMs)
  }, 1200)
}, warmMs)
`

/**
 * The forwarder in front of `ports`, spinning `spin.beforeUs` before and `spin.afterUs` after each write;
 * resolves when it listens. Ends with this process (its stdin closes).
 */
export async function startFloorForwarder(ports: number[], spin = {beforeUs: 0, afterUs: 0}): Promise<{child: ChildProcess; port: number}> {
  const args = [spin.beforeUs, spin.afterUs, ...ports].map(String)
  const child = spawn(process.execPath, ['-e', forwarderCode, ...args], {stdio: ['pipe', 'pipe', 'inherit']})
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d))))
    child.once('exit', () => reject(new Error('the floor forwarder exited')))
  })
  return {child, port}
}

export interface PacedResult {
  requests: number
  p50: number
  p99: number
}

/** Runs the paced client against `port`; `mark('start' | 'end')` is called around the measured part. */
export async function runPacedClient(port: number, o: {rate: number; connections: number; warmMs: number; measureMs: number}, mark: (what: 'start' | 'end') => void): Promise<PacedResult> {
  const args = [port, o.rate, o.connections, o.warmMs, o.measureMs].map(String)
  const child = spawn(process.execPath, ['-e', clientCode, ...args], {stdio: ['ignore', 'pipe', 'inherit']})
  let result = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n')) {
      if (line === 'start' || line === 'end') mark(line)
      else result += line
    }
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`the paced client exited with ${code}`)
  return JSON.parse(result) as PacedResult
}
