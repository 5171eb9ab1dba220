// The field lines of an HTTP/1.1 head (RFC 9112 §5), read strictly, for requests and responses alike:
// every line ends in CRLF (a bare LF or CR is an error), a name is a token followed at once by a colon
// (no whitespace before it: §5.1), a line may not start with whitespace (obs-fold: §5.2, rejected), and a
// value holds only field-vchar, SP and HTAB (§5.5: CR, LF, NUL and other controls are errors).

import {CR, HTAB, isTchar, isValueByte, LF, SP} from './chars.js'

export interface Field {
  /** As received. */
  name: string
  lower: string
  /** Without the OWS around it. */
  value: string
  /** Where its line starts in the head's text, and where it ends (after its CRLF). */
  start: number
  end: number
}

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
 * The fields of `text` (a head decoded as latin1, one string: slicing it costs far less than decoding
 * each piece from the Buffer) from `pos` (the start of the first field line) up to `end` (the index of
 * the CRLF that ends the head, i.e. of the empty line). Throws HeadError on anything that is not
 * strictly a field line.
 */
export function readFields(text: string, pos: number, end: number): Field[] {
  const fields: Field[] = []
  while (pos < end) {
    const c0 = text.charCodeAt(pos)
    if (c0 === SP || c0 === HTAB) throw new HeadError('obs-fold (a line starting with whitespace)')
    let i = pos
    while (i < end && isTchar[text.charCodeAt(i)] === 1) i++
    if (i === pos) throw new HeadError('a field line without a name')
    const colon = text.charCodeAt(i)
    if (colon !== 0x3a) throw new HeadError(colon === SP || colon === HTAB ? 'whitespace between a field name and its colon' : 'an invalid character in a field name')
    const name = text.slice(pos, i)
    i++
    while (text.charCodeAt(i) === SP || text.charCodeAt(i) === HTAB) i++
    const valueStart = i
    while (isValueByte[text.charCodeAt(i)] === 1) i++
    if (text.charCodeAt(i) !== CR || text.charCodeAt(i + 1) !== LF) throw new HeadError(text.charCodeAt(i) === LF ? 'a bare LF' : 'an invalid character in a field value')
    let valueEnd = i
    while (valueEnd > valueStart && (text.charCodeAt(valueEnd - 1) === SP || text.charCodeAt(valueEnd - 1) === HTAB)) valueEnd--
    fields.push({name, lower: name.toLowerCase(), value: text.slice(valueStart, valueEnd), start: pos, end: i + 2})
    pos = i + 2
  }
  return fields
}

/**
 * The field lines of `text` from `from` to `to` less those `drop` refuses, as received: the kept runs of
 * lines are sliced whole (a head's lines are mostly kept, so this is one to three slices, not one per line).
 */
export function keptLines(text: string, fields: readonly Field[], from: number, to: number, drop: (f: Field) => boolean): string {
  let kept = ''
  let runStart = from
  for (const f of fields) {
    if (!drop(f)) continue
    if (f.start > runStart) kept += text.slice(runStart, f.start)
    runStart = f.end
  }
  return runStart < to ? kept + text.slice(runStart, to) : kept
}

/**
 * Where the head that starts at `start` ends (the index after its CRLFCRLF), -1 when it has not all
 * arrived, or a HeadError when a line of it already breaks the rules (a bare LF would otherwise leave
 * the head waiting for a CRLFCRLF that never comes).
 */
export function headEnd(buf: Buffer, start: number, max: number): number {
  const i = buf.indexOf('\r\n\r\n', start, 'latin1')
  if (i >= 0) {
    if (i + 4 - start > max) throw new HeadError('head too large', 431)
    return i + 4
  }
  for (let j = buf.indexOf(LF, start); j >= 0; j = buf.indexOf(LF, j + 1)) if (j === start || buf[j - 1] !== CR) throw new HeadError('a bare LF')
  if (buf.length - start > max) throw new HeadError('head too large', 431)
  return -1
}
