// The address bytes nginx's `ip_hash` mixes (`ngx_http_upstream_ip_hash_module.c`): the first 3 octets of
// an IPv4 address (its /24), or all 16 bytes of an IPv6 address. Node reports an IPv4 client of a dual-stack
// socket as `::ffff:a.b.c.d`; nginx listening on an IPv4 address sees AF_INET there, so it counts as IPv4.
// Parsing writes into a caller's buffer and allocates nothing: it runs once per request.

const groups = new Uint16Array(8)

/** Writes the bytes to hash into `out` (16 bytes long) and returns how many: 3, 16, or 0 when `s` is no address. */
export function ipHashBytes(s: string, out: Uint8Array): 0 | 3 | 16 {
  if (parseIPv4(s, 0, s.length, out, 0)) return 3
  if (!parseIPv6(s, out)) return 0
  let mapped = out[10] === 0xff && out[11] === 0xff
  for (let i = 0; i < 10 && mapped; i++) mapped = out[i] === 0
  if (!mapped) return 16
  out[0] = out[12]
  out[1] = out[13]
  out[2] = out[14]
  return 3
}

/** Dotted quad in s[from, to) → 4 bytes at out[at]. */
function parseIPv4(s: string, from: number, to: number, out: Uint8Array, at: number): boolean {
  let part = 0
  let value = 0
  let digits = 0
  for (let i = from; i <= to; i++) {
    const c = i < to ? s.charCodeAt(i) : 0x2e
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return false // leading zero, as Node's net.isIPv4
      value = value * 10 + (c - 0x30)
      if (++digits > 3 || value > 255) return false
    } else if (c === 0x2e) {
      if (digits === 0 || part > 3) return false
      out[at + part++] = value
      value = 0
      digits = 0
    } else {
      return false
    }
  }
  return part === 4
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  return -1
}

function parseIPv6(s: string, out: Uint8Array): boolean {
  let end = s.indexOf('%') // a zone id is not part of sin6_addr
  if (end === -1) end = s.length
  let count = 0
  let gap = -1 // where '::' stands, in groups
  let i = 0
  if (end >= 2 && s.charCodeAt(0) === 0x3a && s.charCodeAt(1) === 0x3a) {
    gap = 0
    i = 2
  }
  while (i < end) {
    const start = i
    let value = 0
    let digits = 0
    while (i < end && digits <= 4) {
      const h = hexValue(s.charCodeAt(i))
      if (h < 0) break
      value = value * 16 + h
      digits++
      i++
    }
    if (i < end && s.charCodeAt(i) === 0x2e) {
      // An embedded IPv4 address ends the text and fills the last two groups.
      if (count > 6 || !parseIPv4(s, start, end, out, 0)) return false
      groups[count++] = (out[0] << 8) | out[1]
      groups[count++] = (out[2] << 8) | out[3]
      break
    }
    if (digits === 0 || digits > 4 || count === 8) return false
    groups[count++] = value
    if (i === end) break
    if (s.charCodeAt(i) !== 0x3a) return false
    i++
    if (i < end && s.charCodeAt(i) === 0x3a) {
      if (gap !== -1) return false
      gap = count
      i++
    } else if (i === end) {
      return false // a single trailing ':'
    }
  }
  if (gap === -1 ? count !== 8 : count > 7) return false
  const zeros = 8 - count
  for (let g = 0, src = 0; g < 8; g++) {
    const v = gap !== -1 && g >= gap && g < gap + zeros ? 0 : groups[src++]
    out[2 * g] = v >> 8
    out[2 * g + 1] = v & 0xff
  }
  return true
}
