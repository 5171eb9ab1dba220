// A backend's response head, read only as far as forwarding needs: the status, how the body is framed
// (RFC 9112 §6.3: none for HEAD, 1xx, 204 and 304; chunked; Content-Length; else until the backend
// closes), and whether the backend connection can be kept. The head the client gets is the status line
// and the field lines as received, less hop-by-hop fields and any x-lbbench-backend, plus the proxy's
// stamp; a chunked body passes through as it came, so `Transfer-Encoding: chunked` is kept for it.
// A head the proxy cannot frame safely (an invalid or repeated Content-Length, Content-Length with
// Transfer-Encoding) is a failure of the backend (RFC 9112 §6.3: a proxy must not forward it; 502).

import {connectionTokens, hopByHop} from '../hop-by-hop.js'
import {fieldName, fieldStride, fieldValue, HeadError, keptLines, knownName, lengthValue, readFields} from './fields.js'

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
  const at = readFields(buf, start, lineEnd + 2, fieldsEnd)
  let length = -1
  let chunked = false
  let codings = false
  let reusable = minor === 1
  let dropNamed: Set<string> | undefined
  // Each field's known name, found once: whether it is dropped is decided after the loop (a Connection
  // field may name a field before it).
  const known: Array<string | undefined> = []
  for (let k = 0; k < at.length; k += fieldStride) {
    const name = knownName(text, at, k)
    known.push(name)
    if (name === 'content-length') {
      if (length >= 0) throw new HeadError('an invalid or repeated Content-Length')
      length = lengthValue(text, at, k)
      if (length < 0) throw new HeadError('an invalid or repeated Content-Length')
    } else if (name === 'transfer-encoding') {
      codings = true
      const value = fieldValue(text, at, k)
      chunked = value.slice(value.lastIndexOf(',') + 1).trim().toLowerCase() === 'chunked'
    } else if (name === 'connection') {
      const c = connectionTokens(fieldValue(text, at, k), dropNamed)
      dropNamed = c.names
      if (c.close) reusable = false
    }
  }
  if (codings && length >= 0) throw new HeadError('both Content-Length and Transfer-Encoding')
  const dropped = (k: number): boolean => {
    const name = known[k / fieldStride]
    if (name !== undefined && ((hopByHop.has(name) && !(chunked && name === 'transfer-encoding')) || name === 'x-lbbench-backend')) return true
    return dropNamed !== undefined && dropNamed.has(fieldName(text, at, k).toLowerCase())
  }
  const head = keptLines(text, at, 0, fieldsEnd, dropped) + stamp
  let framing: BodyFraming = codings ? (chunked ? 'chunked' : 'close') : length >= 0 ? 'length' : 'close'
  if (headRequest || status < 200 || status === 204 || status === 304) framing = 'none'
  if (framing === 'close') reusable = false
  return {status, framing, length, reusable, head}
}
