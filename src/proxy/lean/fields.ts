// The field lines of an HTTP/1.1 head (RFC 9112 §5), read strictly, for requests and responses alike:
// every line ends in CRLF (a bare LF or CR is an error), a name is a token followed at once by a colon
// (no whitespace before it: §5.1), a line may not start with whitespace (obs-fold: §5.2, rejected), and a
// value holds only field-vchar, SP and HTAB (§5.5: CR, LF, NUL and other controls are errors).

import {Buffer} from 'node:buffer' // not the global one: in an ES module that is a getter, run at each use
import {CR, HTAB, isTchar, isValueByte, LF, SP} from './chars.js'
import {hopByHop} from '../hop-by-hop.js'

/**
 * A head's field lines as places in its bytes, five numbers per line (no strings are made until a caller
 * asks for one): where the line starts, where its name ends (at the colon), where its value starts and
 * ends (without the OWS around it), and where the line ends (after its CRLF). Field k's numbers are at
 * k, k+1 … k+4 for k = 0, 5, 10 …
 */
export type FieldLines = number[]
export const fieldStride = 5

/** Why a head is refused, and the status a client gets for it (400 unless said otherwise). */
export class HeadError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

/**
 * The field lines of a head from `pos` (the start of the first field line) up to `end` (the index of the
 * CRLF that ends the head, i.e. of the empty line). Throws HeadError on anything that is not strictly a
 * field line.
 */
export function readFields(bytes: Buffer, pos: number, end: number): FieldLines {
  const at: FieldLines = []
  while (pos < end) {
    const c0 = bytes[pos]
    if (c0 === SP || c0 === HTAB) throw new HeadError('obs-fold (a line starting with whitespace)')
    let i = pos
    while (i < end && isTchar[bytes[i]] === 1) i++
    if (i === pos) throw new HeadError('a field line without a name')
    const colon = bytes[i]
    if (colon !== 0x3a) throw new HeadError(colon === SP || colon === HTAB ? 'whitespace between a field name and its colon' : 'an invalid character in a field name')
    const nameEnd = i
    i++
    while (bytes[i] === SP || bytes[i] === HTAB) i++
    const valueStart = i
    while (isValueByte[bytes[i]] === 1) i++
    if (bytes[i] !== CR || bytes[i + 1] !== LF) throw new HeadError(bytes[i] === LF ? 'a bare LF' : 'an invalid character in a field value')
    let valueEnd = i
    while (valueEnd > valueStart && (bytes[valueEnd - 1] === SP || bytes[valueEnd - 1] === HTAB)) valueEnd--
    at.push(pos, nameEnd, valueStart, valueEnd, i + 2)
    pos = i + 2
  }
  return at
}

/** Field k's name as received. */
export function fieldName(bytes: Buffer, at: FieldLines, k: number): string {
  return bytes.toString('latin1', at[k], at[k + 1])
}

/** Field k's value, without the OWS around it. */
export function fieldValue(bytes: Buffer, at: FieldLines, k: number): string {
  return bytes.toString('latin1', at[k + 2], at[k + 3])
}

/** Whether field k's value is exactly `text` (ASCII), compared as bytes: no string is made. */
export function valueIs(bytes: Buffer, at: FieldLines, k: number, text: string): boolean {
  const start = at[k + 2]
  if (at[k + 3] - start !== text.length) return false
  for (let j = 0; j < text.length; j++) if (bytes[start + j] !== text.charCodeAt(j)) return false
  return true
}

/** The names the lean engine's parsers act on (hop-by-hop fields among them), lowercase, by length. */
const knownNames = [...hopByHop, 'content-length', 'host', 'expect', 'x-lbbench-backend']
const knownByLength: string[][] = Array.from({length: Math.max(...knownNames.map((n) => n.length)) + 1}, () => [])
for (const name of knownNames) knownByLength[name.length].push(name)

/**
 * Field k's name when it is one of the names the parsers act on, as that lowercase constant (so it
 * compares and looks up without hashing a new string); undefined for any other. A name holds only tchar
 * bytes, and of those only letters differ from a lowercase letter or `-` by the 0x20 bit alone.
 */
export function knownName(bytes: Buffer, at: FieldLines, k: number): string | undefined {
  const start = at[k]
  const length = at[k + 1] - start
  if (length >= knownByLength.length) return undefined
  const candidates = knownByLength[length]
  const first = bytes[start] | 0x20
  for (let c = 0; c < candidates.length; c++) {
    const name = candidates[c]
    if (name.charCodeAt(0) !== first) continue
    let j = 1
    while (j < length && (bytes[start + j] | 0x20) === name.charCodeAt(j)) j++
    if (j === length) return name
  }
  return undefined
}

/**
 * The runs of a head's bytes from `from` to `to` that are kept when the field lines `drop` refuses are
 * left out, as start and end pairs: a head's lines are mostly kept, so this is one to three runs, not one
 * per line, and they are copied as received.
 */
export function keptRuns(at: FieldLines, from: number, to: number, drop: (k: number) => boolean): number[] {
  const runs: number[] = []
  let runStart = from
  for (let k = 0; k < at.length; k += fieldStride) {
    if (!drop(k)) continue
    if (at[k] > runStart) runs.push(runStart, at[k])
    runStart = at[k + 4]
  }
  if (runStart < to) runs.push(runStart, to)
  return runs
}

/**
 * A head for the other side: the runs of `bytes`, then `tail` (latin1: lines the proxy adds, and the
 * empty line), then `room` bytes left for the caller (a body's first bytes), in one Buffer.
 */
export function writeHead(bytes: Buffer, runs: number[], tail: string, room: number): Buffer {
  let n = tail.length + room
  for (let r = 0; r < runs.length; r += 2) n += runs[r + 1] - runs[r]
  const out = Buffer.allocUnsafe(n)
  let pos = 0
  for (let r = 0; r < runs.length; r += 2) pos += bytes.copy(out, pos, runs[r], runs[r + 1])
  // A few dozen characters: a loop costs less than Buffer#write's call into C++ and its encoder.
  for (let j = 0; j < tail.length; j++) out[pos + j] = tail.charCodeAt(j)
  return out
}

/** A Content-Length value: digits only (RFC 9110 §8.6), at most 15 of them; -1 when it is anything else. */
export function lengthValue(bytes: Buffer, at: FieldLines, k: number): number {
  const start = at[k + 2]
  const end = at[k + 3]
  if (end === start || end - start > maxLengthDigits) return -1
  let n = 0
  for (let i = start; i < end; i++) {
    const c = bytes[i]
    if (c < 0x30 || c > 0x39) return -1
    n = n * 10 + (c - 0x30)
  }
  return n
}

const maxLengthDigits = 15

/** CRLFCRLF, searched for as bytes (a string would be encoded again for every search). */
const emptyLine = Buffer.from('\r\n\r\n', 'latin1')

/**
 * Where the head that starts at `start` ends (the index after its CRLFCRLF), -1 when it has not all
 * arrived, or a HeadError when a line of it already breaks the rules (a bare LF would otherwise leave
 * the head waiting for a CRLFCRLF that never comes).
 */
export function headEnd(buf: Buffer, start: number, max: number): number {
  const i = buf.indexOf(emptyLine, start)
  if (i >= 0) {
    if (i + 4 - start > max) throw new HeadError('head too large', 431)
    return i + 4
  }
  for (let j = buf.indexOf(LF, start); j >= 0; j = buf.indexOf(LF, j + 1)) if (j === start || buf[j - 1] !== CR) throw new HeadError('a bare LF')
  if (buf.length - start > max) throw new HeadError('head too large', 431)
  return -1
}
