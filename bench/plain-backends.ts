// Two plain node:http backends in one process of their own, for the standalone proxy benches: the
// cheapest server Node has, so what is measured is the proxy. Each answers 1 KiB (or `bodyBytes`).

import {spawn, type ChildProcess} from 'node:child_process'

const backendCode = `
const http = require('node:http')
const body = Buffer.alloc(Number(process.argv[1]), 'x')
const ports = []
let n = 0
for (const id of ['r1', 'r2']) {
  const s = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => { res.writeHead(200, {'content-type': 'text/plain', 'content-length': body.length, 'x-test-backend': id}); res.end(body) })
  })
  s.keepAliveTimeout = 5000
  s.listen(0, '127.0.0.1', () => { ports.push(s.address().port); if (++n === 2) process.stdout.write(ports.join(' ') + '\\n') })
}
process.stdin.on('end', () => process.exit()).resume()
`

export async function startBackends(bodyBytes = 1024): Promise<{child: ChildProcess; ports: number[]}> {
  // Its stdin is a pipe from here: when the bench ends, however, the backends do too.
  const child = spawn(process.execPath, ['-e', backendCode, String(bodyBytes)], {stdio: ['pipe', 'pipe', 'inherit']})
  const ports = await new Promise<number[]>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(String(d).trim().split(' ').map(Number)))
    child.once('exit', () => reject(new Error('the backends exited')))
  })
  return {child, ports}
}
