// One keep-alive connection of the paced clients (bench/floor-processes.ts, bench/interleaved-client.ts),
// as program text for their `node -e` processes: `connection(port, answered)` sends a GET when told to
// (a send while the answer before it is awaited is skipped) and calls `answered(µs)` once the whole answer
// (its head and Content-Length bytes) is in. An error on the connection ends the client with exit 3.

export const pacedConnectionCode = `
const request = Buffer.from('GET / HTTP/1.1\\r\\nhost: 127.0.0.1\\r\\n\\r\\n')
function connection(port, answered) {
  const s = require('node:net').connect(port, '127.0.0.1')
  s.setNoDelay(true)
  s.on('error', (err) => { console.error('paced client: ' + err.message); process.exit(3) })
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
  return {socket: s, connected, get busy() { return busy }, send() { if (busy) return; busy = true; sentAt = process.hrtime.bigint(); s.write(request) }}
}
`
