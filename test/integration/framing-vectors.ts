// Request-framing and smuggling vectors (RFC 9112 §5, §6, §7), each a raw byte string sent on a fresh
// connection, and how to read what came back: the statuses of the responses in order, and whether the
// balancer closed the connection. A vector that could hide a request in its body hides `/smuggled`: a
// balancer that lets it reach the backend as a request of its own has been smuggled past. Others are
// followed by a plain `/next` request, which a balancer that accepted the vector serves too.

import {connect} from 'node:net'

export interface Vector {
  name: string
  bytes: string
}

/** A request hidden in a body: it reaches the backend as a request only through a balancer that framed the body wrongly. */
const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n'
/** The request sent after a vector: a balancer that accepts the vector serves it too, as a pipelined request. */
const next = 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n'
/** A body that ends at once when read as chunked, and hides a request when read by Content-Length. */
const hidden = `0\r\n\r\n${smuggled}`
const cl = `Content-Length: ${hidden.length}\r\n`
/** A POST with these fields, its body framed by the Content-Length `cl` (the hidden request inside). */
const ambiguous = (fields: string): string => `POST / HTTP/1.1\r\nHost: a\r\n${fields}\r\n${hidden}`
/** A POST with these fields and a chunked body, then the next request. */
const chunkedPost = (fields: string, body = '0\r\n\r\n'): string => `POST / HTTP/1.1\r\nHost: a\r\n${fields}\r\n${body}${next}`

export const vectors: Vector[] = [
  {name: 'valid GET, then a second one pipelined', bytes: `GET / HTTP/1.1\r\nHost: a\r\n\r\n${next}`},
  {name: 'CL and TE: chunked', bytes: ambiguous(`${cl}Transfer-Encoding: chunked\r\n`)},
  {name: 'TE: chunked and CL', bytes: ambiguous(`Transfer-Encoding: chunked\r\n${cl}`)},
  {name: 'two CL, different', bytes: ambiguous(`Content-Length: 5\r\n${cl}`)},
  {name: 'two CL, equal', bytes: ambiguous(`${cl}${cl}`)},
  {name: 'CL as a list (n, n)', bytes: ambiguous(`Content-Length: ${hidden.length}, ${hidden.length}\r\n`)},
  {name: 'CL with a plus sign', bytes: ambiguous(`Content-Length: +${hidden.length}\r\n`)},
  {name: 'CL negative', bytes: ambiguous('Content-Length: -1\r\n')},
  {name: 'CL in hex', bytes: ambiguous('Content-Length: 0x10\r\n')},
  {name: 'CL empty', bytes: ambiguous('Content-Length: \r\n')},
  {name: 'TE: " chunked" (extra space: valid OWS)', bytes: chunkedPost('Transfer-Encoding:  chunked\r\n')},
  {name: 'TE: "\\tchunked" (tab: valid OWS)', bytes: chunkedPost('Transfer-Encoding:\tchunked\r\n')},
  {name: 'TE: "Chunked" (case: valid)', bytes: chunkedPost('Transfer-Encoding: Chunked\r\n')},
  {name: 'TE: "chunked, chunked" with CL', bytes: ambiguous(`Transfer-Encoding: chunked, chunked\r\n${cl}`)},
  {name: 'TE twice as fields, with CL', bytes: ambiguous(`Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n${cl}`)},
  {name: 'TE: "chunked, chunked"', bytes: chunkedPost('Transfer-Encoding: chunked, chunked\r\n')},
  {name: 'TE: "chunked, identity" (chunked not last)', bytes: ambiguous(`Transfer-Encoding: chunked, identity\r\n${cl}`)},
  {name: 'TE: "xchunked"', bytes: ambiguous(`Transfer-Encoding: xchunked\r\n${cl}`)},
  {name: 'TE: "gzip, chunked" (a coding besides chunked)', bytes: chunkedPost('Transfer-Encoding: gzip, chunked\r\n')},
  {name: 'TE with a space before the colon', bytes: ambiguous(`Transfer-Encoding : chunked\r\n${cl}`)},
  {name: 'TE with a vertical tab', bytes: ambiguous(`Transfer-Encoding: \x0bchunked\r\n${cl}`)},
  {name: 'TE in an HTTP/1.0 request', bytes: `POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n${cl}\r\n${hidden}`},
  {name: 'obs-fold of a field', bytes: ambiguous(`X-Folded: a\r\n b\r\n${cl}`)},
  {name: 'obs-fold of TE', bytes: ambiguous(`Transfer-Encoding:\r\n chunked\r\n${cl}`)},
  {name: 'bare LF line ends', bytes: `GET / HTTP/1.1\nHost: a\n\n${next}`},
  {name: 'bare LF in one field line', bytes: `GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n${next}`},
  {name: 'bare CR in a field value', bytes: `GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n${next}`},
  {name: 'NUL in a field value', bytes: `GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n${next}`},
  {name: 'invalid character in a field name', bytes: `GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n${next}`},
  {name: 'space in the request-target', bytes: `GET /a b HTTP/1.1\r\nHost: a\r\n\r\n${next}`},
  {name: 'no Host in HTTP/1.1', bytes: `GET / HTTP/1.1\r\nX-A: b\r\n\r\n${next}`},
  {name: 'two Host fields', bytes: `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n${next}`},
  {name: 'a 20 KiB field', bytes: `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(20 * 1024)}\r\n\r\n${next}`},
  {name: 'an invalid chunk size', bytes: chunkedPost('Transfer-Encoding: chunked\r\n', 'zz\r\nhello\r\n0\r\n\r\n')},
  {name: 'chunk data longer than its size', bytes: chunkedPost('Transfer-Encoding: chunked\r\n', '2\r\nhello\r\n0\r\n\r\n')},
]

export interface Outcome {
  /** The statuses of the responses received, in order. */
  statuses: number[]
  /** The balancer closed the connection (within the wait). */
  closed: boolean
}

/** Sends `bytes` on a new connection to `port`, reads until the balancer closes it or `idleMs` pass without a byte. */
export async function send(port: number, bytes: string, idleMs = 400): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const s = connect({host: '127.0.0.1', port})
    let closed = false
    let timer = setTimeout(() => s.destroy(), idleMs)
    s.on('data', (d: Buffer) => {
      chunks.push(d)
      clearTimeout(timer)
      timer = setTimeout(() => s.destroy(), idleMs)
    })
    s.on('end', () => (closed = true))
    s.on('error', () => (closed = true))
    s.on('close', () => {
      clearTimeout(timer)
      resolve({statuses: statusesOf(Buffer.concat(chunks).toString('latin1')), closed})
    })
    s.write(bytes, 'latin1')
  })
}

/** The statuses of the responses in `text`, each skipped by its Content-Length (or chunked framing). */
export function statusesOf(text: string): number[] {
  const out: number[] = []
  let at = 0
  while (at < text.length) {
    const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(text.slice(at))
    if (!m) break
    const end = text.indexOf('\r\n\r\n', at)
    if (end < 0) break
    const status = Number(m[1])
    const head = text.slice(at, end)
    at = end + 4
    if (status < 200) continue
    out.push(status)
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)
    if (length) at += Number(length[1])
    else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const last = text.indexOf('\r\n0\r\n\r\n', at)
      at = last < 0 ? text.length : last + 7
    }
  }
  return out
}
