// The lean engine's request heads, read as strictly as RFC 9112 asks of a server, so that the proxy and
// the backend can never disagree about where a request ends (request smuggling):
// - request-line `method SP request-target SP HTTP/1.x CRLF`, single spaces; HTTP/1.0 and 1.1 only (505);
// - field lines as fields.ts reads them (obs-fold, bare LF, whitespace before the colon, controls: 400);
// - Content-Length: digits only, once (a second one, even equal, or a list: 400, §6.3 item 5);
// - Transfer-Encoding: only `chunked` (any case, OWS around it), once and last; listed twice or not last:
//   400 (§6.3 item 4, §7); another coding: 501 (§6.1); with Content-Length too: 400 (§6.1 lets a server
//   reject it); in an HTTP/1.0 request: 400 (§6.1);
// - HTTP/1.1 needs exactly one Host (§3.2); Expect other than 100-continue: 417;
// - a head over the size limit: 431.
// Every refusal closes the connection. What is forwarded is the request-line and the kept field lines as
// received, copied as bytes; the framing (Content-Length or `Transfer-Encoding: chunked`) is written by
// the proxy itself, in one canonical form.

import {CR, isTargetByte, isTchar, LF, SP} from './chars.js'
import {connectionTokens, hopByHop} from '../hop-by-hop.js'
import {fieldName, fieldStride, fieldValue, HeadError, keptRuns, knownName, lengthValue, readFields, type FieldLines} from './fields.js'

export interface RequestHead {
  method: string
  /** Where the request-target ends in `bytes` (it starts after the method and its space): made a string only when asked for (requestTarget). */
  targetEnd: number
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: number
  /** The head's bytes as received, and its field lines' places in them. */
  bytes: Buffer
  fields: FieldLines
  /** The body's length by Content-Length, 0 without a body, -1 when chunked. */
  length: number
  /** It had a Content-Length field (`Content-Length: 0` included), which is forwarded as such. */
  lengthField: boolean
  /** The client wants the connection closed after the response (Connection: close, or HTTP/1.0). */
  close: boolean
  expectContinue: boolean
  /**
   * What is forwarded as received, as runs of `bytes` (fields.ts writeHead copies them): the request-line
   * and the field lines less hop-by-hop ones, Expect and the framing fields.
   */
  kept: number[]
}

/** Parses the head in buf[start, end) (end = after its CRLFCRLF). Throws HeadError. */
export function parseRequestHead(buf: Buffer, start: number, end: number): RequestHead {
  // The head's own bytes (the same memory), so that its places start at 0.
  const bytes = start === 0 && end === buf.length ? buf : buf.subarray(start, end)
  let i = 0
  while (isTchar[bytes[i]] === 1) i++
  if (i === 0 || bytes[i] !== SP) throw new HeadError('a malformed request-line (method)')
  const method = i === 3 && bytes[0] === 0x47 && bytes[1] === 0x45 && bytes[2] === 0x54 ? 'GET' : bytes.toString('latin1', 0, i)
  const targetStart = ++i
  while (isTargetByte[bytes[i]] === 1) i++
  if (i === targetStart || bytes[i] !== SP) throw new HeadError('a malformed request-line (request-target)')
  const targetEnd = i
  i++
  if (!versionAt(bytes, i) || bytes[i + 8] !== CR || bytes[i + 9] !== LF) throw new HeadError('a malformed request-line (HTTP version)')
  const minor = bytes[i + 7] - 0x30
  if (bytes[i + 5] !== 0x31 || (minor !== 0 && minor !== 1)) throw new HeadError('an unsupported HTTP version', 505)
  if (method === 'CONNECT') throw new HeadError('CONNECT is not proxied', 501)
  return fieldsOf(method, targetEnd, minor, bytes, i + 10, bytes.length - 2)
}

/** `HTTP/d.d` at bytes[i…]. */
function versionAt(bytes: Buffer, i: number): boolean {
  const digit = (c: number) => c >= 0x30 && c <= 0x39
  return bytes[i] === 0x48 && bytes[i + 1] === 0x54 && bytes[i + 2] === 0x54 && bytes[i + 3] === 0x50 && bytes[i + 4] === 0x2f && digit(bytes[i + 5]) && bytes[i + 6] === 0x2e && digit(bytes[i + 7])
}

/** The field lines are bytes[fieldsStart, fieldsEnd). */
function fieldsOf(method: string, targetEnd: number, minor: number, bytes: Buffer, fieldsStart: number, fieldsEnd: number): RequestHead {
  const at = readFields(bytes, fieldsStart, fieldsEnd)
  let lengths = 0
  let length = 0
  let codings: string[] | undefined
  let hosts = 0
  let close = minor === 0
  let expectContinue = false
  let dropNamed: Set<string> | undefined
  // Each field's known name, found once: whether it is dropped is decided after the loop (a Connection
  // field may name a field before it).
  const known: Array<string | undefined> = []
  for (let k = 0; k < at.length; k += fieldStride) {
    const name = knownName(bytes, at, k)
    known.push(name)
    if (name === undefined) continue
    if (name === 'content-length') {
      lengths++
      length = lengthValue(bytes, at, k)
      if (length < 0) throw new HeadError('an invalid Content-Length')
    } else if (name === 'transfer-encoding') (codings ??= []).push(...fieldValue(bytes, at, k).split(','))
    else if (name === 'host') hosts++
    else if (name === 'connection') {
      const c = connectionTokens(fieldValue(bytes, at, k), dropNamed)
      dropNamed = c.names
      if (c.close) close = true
      else if (c.keepAlive && minor === 0) close = true // HTTP/1.0 keep-alive is not offered: the connection closes after the response.
    } else if (name === 'expect') {
      if (fieldValue(bytes, at, k).toLowerCase() !== '100-continue') throw new HeadError('an Expect other than 100-continue', 417)
      expectContinue = true
    }
  }
  if (lengths > 1) throw new HeadError('Content-Length more than once')
  if (minor === 1 && hosts !== 1) throw new HeadError(hosts ? 'Host more than once' : 'no Host')
  if (codings) {
    if (lengths) throw new HeadError('both Content-Length and Transfer-Encoding')
    if (minor === 0) throw new HeadError('Transfer-Encoding in an HTTP/1.0 request')
    checkCodings(codings)
    length = -1
  }
  const dropped = (k: number): boolean => {
    const name = known[k / fieldStride]
    if (name !== undefined && (hopByHop.has(name) || name === 'content-length' || name === 'expect')) return true
    return dropNamed !== undefined && dropNamed.has(fieldName(bytes, at, k).toLowerCase())
  }
  const kept = keptRuns(at, 0, fieldsEnd, dropped)
  return {method, targetEnd, minor, bytes, fields: at, length, lengthField: lengths > 0, close, expectContinue, kept}
}

/** The request-target as received (`/path?query`). */
export function requestTarget(h: RequestHead): string {
  return h.bytes.toString('latin1', h.method.length + 1, h.targetEnd)
}

/**
 * The fields as node:http's `headers` has them, for the proxy's own reads (a body's length, a hash key):
 * lowercase names, a repeated field's values joined with `, `. Made only when asked for.
 */
export function headersOf(h: RequestHead): Record<string, string> {
  // A plain object (fast properties); a field named like an Object.prototype member is still its own.
  const headers: Record<string, string> = {}
  for (let k = 0; k < h.fields.length; k += fieldStride) {
    const l = fieldName(h.bytes, h.fields, k).toLowerCase()
    const v = fieldValue(h.bytes, h.fields, k)
    headers[l] = Object.hasOwn(headers, l) ? `${headers[l]}, ${v}` : v
  }
  return headers
}

/** Transfer-Encoding must be exactly `chunked` (the only coding the proxy frames), once. */
function checkCodings(codings: string[]): void {
  const names = codings.map((c) => c.trim().toLowerCase()).filter((c) => c !== '')
  const chunked = names.filter((c) => c === 'chunked').length
  if (chunked > 1) throw new HeadError('chunked more than once')
  if (chunked === 1 && names[names.length - 1] !== 'chunked') throw new HeadError('chunked not the final coding')
  if (names.length !== 1 || chunked !== 1) throw new HeadError(chunked ? 'a transfer coding other than chunked' : 'a Transfer-Encoding without chunked', chunked ? 501 : 400)
}
