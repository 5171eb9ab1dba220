// CRC-32 (IEEE 802.3, reflected, as zlib and nginx's `ngx_crc32_*`). The update functions work on a running
// state so that nginx's hash inputs ("rehash count" ‖ key, "host\0port" ‖ previous point) can be fed in
// pieces without building a buffer: the proxy hashes a key per request.

const table = new Int32Array(256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  table[n] = c
}

export const CRC32_INIT = 0xffffffff

export function crc32Byte(state: number, byte: number): number {
  return table[(state ^ byte) & 0xff] ^ (state >>> 8)
}

/** Feeds the UTF-8 bytes of `s` (encoded on the fly, no allocation). */
export function crc32UpdateString(state: number, s: string): number {
  let c = state
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i)
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1)
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
        i++
      }
    }
    if (cp < 0x80) {
      c = crc32Byte(c, cp)
    } else if (cp < 0x800) {
      c = crc32Byte(c, 0xc0 | (cp >> 6))
      c = crc32Byte(c, 0x80 | (cp & 0x3f))
    } else if (cp < 0x10000) {
      // A lone surrogate lands here too and is encoded as such; TextEncoder would write U+FFFD instead.
      c = crc32Byte(c, 0xe0 | (cp >> 12))
      c = crc32Byte(c, 0x80 | ((cp >> 6) & 0x3f))
      c = crc32Byte(c, 0x80 | (cp & 0x3f))
    } else {
      c = crc32Byte(c, 0xf0 | (cp >> 18))
      c = crc32Byte(c, 0x80 | ((cp >> 12) & 0x3f))
      c = crc32Byte(c, 0x80 | ((cp >> 6) & 0x3f))
      c = crc32Byte(c, 0x80 | (cp & 0x3f))
    }
  }
  return c
}

/** Feeds a 32-bit value as 4 little-endian bytes (nginx's `prev_hash` on little-endian machines). */
export function crc32UpdateUint32LE(state: number, v: number): number {
  let c = crc32Byte(state, v & 0xff)
  c = crc32Byte(c, (v >>> 8) & 0xff)
  c = crc32Byte(c, (v >>> 16) & 0xff)
  return crc32Byte(c, (v >>> 24) & 0xff)
}

export function crc32Final(state: number): number {
  return (state ^ 0xffffffff) >>> 0
}

export function crc32String(s: string): number {
  return crc32Final(crc32UpdateString(CRC32_INIT, s))
}
