// A backend's response head, read only as far as forwarding needs: the status, how the body is framed
// (RFC 9112 §6.3: none for HEAD, 1xx, 204 and 304; chunked; Content-Length; else until the backend
// closes), and whether the backend connection can be kept. The head the client gets is the status line
// and the field lines as received, less hop-by-hop fields and any x-lbbench-backend, plus the proxy's
// stamp; a chunked body passes through as it came, so `Transfer-Encoding: chunked` is kept for it.
// A head the proxy cannot frame safely (an invalid or repeated Content-Length, Content-Length with
// Transfer-Encoding) is a failure of the backend (RFC 9112 §6.3: a proxy must not forward it; 502).

import {connectionTokens, hopByHop} from '../hop-by-hop.js'
import {HeadError, keptLines, readFields, type Field} from './fields.js'

export type BodyFraming = 'none' | 'length' | 'chunked' | 'close'

export interface ResponseHead {
  status: number
  framing: BodyFraming
  /** With framing `length`. */
  length: number
  /** The backend connection may carry another request after this response. */
  reusable: boolean
  /** The head for the client, up to (not including) the empty line that ends it. */
  head: string
}

/** Parses buf[start, end) (end = after its CRLFCRLF). `stamp` is the x-lbbench-backend line. Throws HeadError. */
export function parseResponseHead(buf: Buffer, start: number, end: number, headRequest: boolean, stamp: string): ResponseHead {
  const text = buf.toString('latin1', start, end)
  if (!text.startsWith('HTTP/1.') || text.charCodeAt(8) !== 0x20) throw new HeadError('a malformed status line')
  const minor = text.charCodeAt(7) - 0x30
  const status = (text.charCodeAt(9) - 0x30) * 100 + (text.charCodeAt(10) - 0x30) * 10 + (text.charCodeAt(11) - 0x30)
  if (!(status >= 100 && status <= 999) || (text.charCodeAt(12) !== 0x20 && text.charCodeAt(12) !== 13)) throw new HeadError('a malformed status line')
  const lineEnd = text.indexOf('\r', 12)
  const fieldsEnd = text.length - 2
  const fields = readFields(text, lineEnd + 2, fieldsEnd)
  let length = -1
  let chunked = false
  let codings = false
  let reusable = minor === 1
  let dropNamed: Set<string> | undefined
  for (const f of fields) {
    const l = f.lower
    if (l === 'content-length') {
      if (length >= 0 || !/^\d{1,15}$/.test(f.value)) throw new HeadError('an invalid or repeated Content-Length')
      length = Number(f.value)
    } else if (l === 'transfer-encoding') {
      codings = true
      chunked = f.value.slice(f.value.lastIndexOf(',') + 1).trim().toLowerCase() === 'chunked'
    } else if (l === 'connection') {
      const c = connectionTokens(f.value, dropNamed)
      dropNamed = c.names
      if (c.close) reusable = false
    }
  }
  if (codings && length >= 0) throw new HeadError('both Content-Length and Transfer-Encoding')
  const dropped = (f: Field): boolean => {
    const l = f.lower
    return (hopByHop.has(l) && !(chunked && l === 'transfer-encoding')) || l === 'x-lbbench-backend' || dropNamed?.has(l) === true
  }
  const head = keptLines(text, fields, 0, fieldsEnd, dropped) + stamp
  let framing: BodyFraming = codings ? (chunked ? 'chunked' : 'close') : length >= 0 ? 'length' : 'close'
  if (headRequest || status < 200 || status === 204 || status === 304) framing = 'none'
  if (framing === 'close') reusable = false
  return {status, framing, length, reusable, head}
}
