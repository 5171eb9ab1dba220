// A backend's response head, read only as far as forwarding needs: the status, how the body is framed
// (RFC 9112 §6.3: none for HEAD, 1xx, 204 and 304; chunked; Content-Length; else until the backend
// closes), and whether the backend connection can be kept. The head the client gets is the status line
// and the field lines as received, less hop-by-hop fields and any x-lbbench-backend, plus the proxy's
// stamp; a chunked body passes through as it came, so `Transfer-Encoding: chunked` is kept for it.
// A head the proxy cannot frame safely (an invalid or repeated Content-Length, Content-Length with
// Transfer-Encoding) is a failure of the backend (RFC 9112 §6.3: a proxy must not forward it; 502), and
// so is a status line that is not `HTTP/1.d 3DIGIT reason` (a control in the reason could end the line
// early for the client). The head is read and copied as bytes, never decoded to a string.

import {connectionTokens, hopByHop} from '../hop-by-hop.js'
import {CR, isValueByte, LF, SP} from './chars.js'
import {fieldName, fieldStride, fieldValue, HeadError, keptRuns, knownName, lengthValue, readFields, valueIs} from './fields.js'

export type BodyFraming = 'none' | 'length' | 'chunked' | 'close'

export interface ResponseHead {
  status: number
  framing: BodyFraming
  /** With framing `length`. */
  length: number
  /** The backend connection may carry another request after this response. */
  reusable: boolean
  /**
   * The head for the client, as runs of the received bytes (fields.ts writeHead copies them): the status
   * line and the kept field lines, up to (not including) the empty line that ends the head.
   */
  kept: number[]
}

/** Parses bytes[0, end) (end = after its CRLFCRLF). Throws HeadError. */
export function parseResponseHead(bytes: Buffer, end: number, headRequest: boolean): ResponseHead {
  const lineEnd = statusLineEnd(bytes)
  const minor = bytes[7] - 0x30
  const status = (bytes[9] - 0x30) * 100 + (bytes[10] - 0x30) * 10 + (bytes[11] - 0x30)
  const fieldsEnd = end - 2
  const at = readFields(bytes, lineEnd + 2, fieldsEnd)
  let length = -1
  let chunked = false
  let codings = false
  let reusable = minor === 1
  let dropNamed: Set<string> | undefined
  // Each field's known name, found once: whether it is dropped is decided after the loop (a Connection
  // field may name a field before it).
  const known: Array<string | undefined> = []
  for (let k = 0; k < at.length; k += fieldStride) {
    const name = knownName(bytes, at, k)
    known.push(name)
    if (name === 'content-length') {
      if (length >= 0) throw new HeadError('an invalid or repeated Content-Length')
      length = lengthValue(bytes, at, k)
      if (length < 0) throw new HeadError('an invalid or repeated Content-Length')
    } else if (name === 'transfer-encoding') {
      codings = true
      const value = fieldValue(bytes, at, k)
      chunked = value.slice(value.lastIndexOf(',') + 1).trim().toLowerCase() === 'chunked'
    } else if (name === 'connection' && !valueIs(bytes, at, k, 'keep-alive')) {
      // `keep-alive`, what Node backends send on every response, changes nothing here: read without a string.
      const c = connectionTokens(fieldValue(bytes, at, k), dropNamed)
      dropNamed = c.names
      if (c.close) reusable = false
    }
  }
  if (codings && length >= 0) throw new HeadError('both Content-Length and Transfer-Encoding')
  const dropped = (k: number): boolean => {
    const name = known[k / fieldStride]
    if (name !== undefined && ((hopByHop.has(name) && !(chunked && name === 'transfer-encoding')) || name === 'x-lbbench-backend')) return true
    return dropNamed !== undefined && dropNamed.has(fieldName(bytes, at, k).toLowerCase())
  }
  let framing: BodyFraming = codings ? (chunked ? 'chunked' : 'close') : length >= 0 ? 'length' : 'close'
  if (headRequest || status < 200 || status === 204 || status === 304) framing = 'none'
  if (framing === 'close') reusable = false
  return {status, framing, length, reusable, kept: keptRuns(at, 0, fieldsEnd, dropped)}
}

/**
 * Where the status line ends (at its CR), when it is `HTTP/1.d SP 3DIGIT SP reason CRLF` (RFC 9112 §4;
 * the reason may be empty, and its SP left out then, as some servers do); throws HeadError otherwise.
 */
function statusLineEnd(bytes: Buffer): number {
  const digit = (i: number): boolean => bytes[i] >= 0x30 && bytes[i] <= 0x39
  const start = bytes[0] === 0x48 && bytes[1] === 0x54 && bytes[2] === 0x54 && bytes[3] === 0x50 && bytes[4] === 0x2f && bytes[5] === 0x31
  if (!start || bytes[6] !== 0x2e || !digit(7) || bytes[8] !== SP || !digit(9) || !digit(10) || !digit(11) || bytes[9] === 0x30) throw new HeadError('a malformed status line')
  let i = 12
  if (bytes[i] === SP) {
    i++
    while (isValueByte[bytes[i]] === 1) i++
  }
  if (bytes[i] !== CR || bytes[i + 1] !== LF) throw new HeadError('a malformed status line')
  return i
}
