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
// Every refusal closes the connection. What is forwarded is the kept field lines as received; the framing
// (Content-Length or `Transfer-Encoding: chunked`) is written by the proxy itself, in one canonical form.

import {isTargetByte, isTchar, SP} from './chars.js'
import {connectionTokens, hopByHop} from '../hop-by-hop.js'
import {HeadError, keptLines, readFields, type Field} from './fields.js'

export interface RequestHead {
  method: string
  target: string
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: number
  fields: Field[]
  /** Lowercase names; a repeated field's values joined with `, `. */
  headers: Record<string, string>
  /** The body's length by Content-Length, 0 without a body, -1 when chunked. */
  length: number
  /** The client wants the connection closed after the response (Connection: close, or HTTP/1.0). */
  close: boolean
  expectContinue: boolean
  /** The field lines to forward: hop-by-hop ones, Expect and the framing fields left out. */
  forward: string
}

const maxLengthDigits = 15

/** Parses the head in buf[start, end) (end = after its CRLFCRLF). Throws HeadError. */
export function parseRequestHead(buf: Buffer, start: number, end: number): RequestHead {
  const text = buf.toString('latin1', start, end)
  let i = 0
  while (isTchar[text.charCodeAt(i)] === 1) i++
  if (i === 0 || text.charCodeAt(i) !== SP) throw new HeadError('a malformed request-line (method)')
  const method = text.slice(0, i)
  const targetStart = ++i
  while (isTargetByte[text.charCodeAt(i)] === 1) i++
  if (i === targetStart || text.charCodeAt(i) !== SP) throw new HeadError('a malformed request-line (request-target)')
  const target = text.slice(targetStart, i)
  i++
  if (!versionAt(text, i) || text.charCodeAt(i + 8) !== 13 || text.charCodeAt(i + 9) !== 10) throw new HeadError('a malformed request-line (HTTP version)')
  const minor = text.charCodeAt(i + 7) - 0x30
  if (text.charCodeAt(i + 5) !== 0x31 || (minor !== 0 && minor !== 1)) throw new HeadError('an unsupported HTTP version', 505)
  if (method === 'CONNECT') throw new HeadError('CONNECT is not proxied', 501)
  return fieldsOf(method, target, minor, text, i + 10, text.length - 2)
}

/** `HTTP/d.d` at text[i…]. */
function versionAt(text: string, i: number): boolean {
  const digit = (c: number) => c >= 0x30 && c <= 0x39
  return text.startsWith('HTTP/', i) && digit(text.charCodeAt(i + 5)) && text.charCodeAt(i + 6) === 0x2e && digit(text.charCodeAt(i + 7))
}

/** The field lines are text[fieldsStart, fieldsEnd). */
function fieldsOf(method: string, target: string, minor: number, text: string, fieldsStart: number, fieldsEnd: number): RequestHead {
  const fields = readFields(text, fieldsStart, fieldsEnd)
  // A plain object (fast properties); a field named like an Object.prototype member is still its own.
  const headers: Record<string, string> = {}
  let lengths = 0
  let length = 0
  let codings: string[] | undefined
  let hosts = 0
  let close = minor === 0
  let expectContinue = false
  let dropNamed: Set<string> | undefined
  for (const f of fields) {
    const l = f.lower
    headers[l] = Object.hasOwn(headers, l) ? `${headers[l]}, ${f.value}` : f.value
    if (l === 'content-length') {
      lengths++
      length = contentLength(f.value)
    } else if (l === 'transfer-encoding') (codings ??= []).push(...f.value.split(','))
    else if (l === 'host') hosts++
    else if (l === 'connection') {
      const c = connectionTokens(f.value, dropNamed)
      dropNamed = c.names
      if (c.close) close = true
      else if (c.keepAlive && minor === 0) close = true // HTTP/1.0 keep-alive is not offered: the connection closes after the response.
    } else if (l === 'expect') {
      if (f.value.toLowerCase() !== '100-continue') throw new HeadError('an Expect other than 100-continue', 417)
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
  const dropped = (f: Field): boolean => hopByHop.has(f.lower) || f.lower === 'content-length' || f.lower === 'expect' || dropNamed?.has(f.lower) === true
  const forward = keptLines(text, fields, fieldsStart, fieldsEnd, dropped)
  return {method, target, minor, fields, headers, length, close, expectContinue, forward}
}

function contentLength(value: string): number {
  if (value.length === 0 || value.length > maxLengthDigits) throw new HeadError('an invalid Content-Length')
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x30 || c > 0x39) throw new HeadError('an invalid Content-Length')
  }
  return Number(value)
}

/** Transfer-Encoding must be exactly `chunked` (the only coding the proxy frames), once. */
function checkCodings(codings: string[]): void {
  const names = codings.map((c) => c.trim().toLowerCase()).filter((c) => c !== '')
  const chunked = names.filter((c) => c === 'chunked').length
  if (chunked > 1) throw new HeadError('chunked more than once')
  if (chunked === 1 && names[names.length - 1] !== 'chunked') throw new HeadError('chunked not the final coding')
  if (names.length !== 1 || chunked !== 1) throw new HeadError(chunked ? 'a transfer coding other than chunked' : 'a Transfer-Encoding without chunked', chunked ? 501 : 400)
}
