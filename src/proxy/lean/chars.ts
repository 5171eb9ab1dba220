// Byte classes of HTTP/1.1 (RFC 9110 §5.6.2 tokens, §5.5 field values), as lookup tables: the lean
// engine's parsers check every byte of a head, so a table read is all each byte costs.

/** tchar: the bytes a method or a field name may hold. */
export const isTchar = new Uint8Array(256)
for (const c of "!#$%&'*+-.^_`|~") isTchar[c.charCodeAt(0)] = 1
for (let c = 0x30; c <= 0x39; c++) isTchar[c] = 1
for (let c = 0x41; c <= 0x5a; c++) isTchar[c] = 1
for (let c = 0x61; c <= 0x7a; c++) isTchar[c] = 1

/** field-vchar, SP and HTAB: what a field value may hold (obs-text included). CR, LF, NUL and other controls may not. */
export const isValueByte = new Uint8Array(256)
isValueByte[0x09] = 1
for (let c = 0x20; c <= 0x7e; c++) isValueByte[c] = 1
for (let c = 0x80; c <= 0xff; c++) isValueByte[c] = 1

/** What a request-target may hold: visible ASCII (no space, no controls, no obs-text). */
export const isTargetByte = new Uint8Array(256)
for (let c = 0x21; c <= 0x7e; c++) isTargetByte[c] = 1

export const CR = 13
export const LF = 10
export const SP = 32
export const HTAB = 9

/** Trims OWS (SP, HTAB) from both ends of a latin1 string. */
export function trimOws(s: string): string {
  let a = 0
  let b = s.length
  while (a < b && (s.charCodeAt(a) === SP || s.charCodeAt(a) === HTAB)) a++
  while (b > a && (s.charCodeAt(b - 1) === SP || s.charCodeAt(b - 1) === HTAB)) b--
  return a === 0 && b === s.length ? s : s.slice(a, b)
}
