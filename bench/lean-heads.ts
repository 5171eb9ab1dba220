// What the lean engine's head work costs per request on the compiled code, apart from sockets: parsing a
// request head and writing the head forwarded for it, parsing a response head and writing the client's
// head with the body's first bytes. Heads as autocannon and a Node backend send them. Standalone, not part
// of `npm run bench`:
//
//   npm run build && node --import tsx bench/lean-heads.ts
//
// Each step runs 200,000 times to warm the JIT, then 2,000,000 times timed; three rounds, the median
// printed, in ns per call. In a loop the code and data stay in the caches, so a real request pays more
// (at 1,000 req/s they go cold between requests; docs/proxy-engines.md, "Heads as bytes", has the head
// work's share of a perf record there).

import {compiled} from './compiled-cli.js'
import {median} from './rounds.js'

const {parseRequestHead} = await compiled<typeof import('../src/proxy/lean/request-head.js')>('proxy/lean/request-head')
const {parseResponseHead} = await compiled<typeof import('../src/proxy/lean/response-head.js')>('proxy/lean/response-head')
const {headEnd, writeHead} = await compiled<typeof import('../src/proxy/lean/fields.js')>('proxy/lean/fields')

const request = Buffer.from('GET /users/42?page=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nuser-agent: autocannon\r\naccept: */*\r\nconnection: keep-alive\r\n\r\n', 'latin1')
const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nx-lbbench-replica: r1\r\nDate: Fri, 04 Dec 2026 23:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 12\r\n\r\nhello world\n', 'latin1')
const responseEnd = headEnd(response, 0, 65536)
const body = response.length - responseEnd
const req = parseRequestHead(request, 0, request.length)
const res = parseResponseHead(response, responseEnd, false)
const endOfHead = 'x-lbbench-backend: r1\r\n\r\n'

const steps: Record<string, () => number> = {
  "find a request head's end": () => headEnd(request, 0, 16384),
  'parse a request head': () => parseRequestHead(request, 0, request.length).kept.length,
  'write the forwarded head': () => writeHead(req.bytes, req.kept, '\r\n', 0).length,
  "find a response head's end": () => headEnd(response, 0, 65536),
  'parse a response head': () => parseResponseHead(response, responseEnd, false).kept.length,
  "write the client's head and first body bytes": () => {
    const first = writeHead(response, res.kept, endOfHead, body)
    return response.copy(first, first.length - body, responseEnd)
  },
}

function nsPerCall(step: () => number): number {
  let sink = 0
  for (let i = 0; i < 200_000; i++) sink += step()
  const calls = 2_000_000
  const t = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) sink += step()
  const ns = Number(process.hrtime.bigint() - t) / calls
  return sink === -1 ? -1 : ns // the sum is read, so the calls are not optimised away
}

let total = 0
for (const [name, step] of Object.entries(steps)) {
  const ns = median([nsPerCall(step), nsPerCall(step), nsPerCall(step)])
  total += ns
  console.log(`${name.padEnd(46)} ${ns.toFixed(0).padStart(5)} ns`)
}
console.log(`${'per request, all of them'.padEnd(46)} ${total.toFixed(0).padStart(5)} ns`)
