// XXH64 (xxHash 0.8 spec), the hash Envoy uses for Maglev (`HashUtil::xxHash64(key, seed)`) both to place
// hosts in the table and to hash request keys. BigInt keeps it short and exact; it allocates, which costs
// about 1.3 µs per request for the key hash (bench/strategies-pick.ts), small next to proxying a request.

const P1 = 0x9e3779b185ebca87n
const P2 = 0xc2b2ae3d27d4eb4fn
const P3 = 0x165667b19e3779f9n
const P4 = 0x85ebca77c2b2ae63n
const P5 = 0x27d4eb2f165667c5n

const u64 = (x: bigint): bigint => BigInt.asUintN(64, x)
const rotl = (x: bigint, r: bigint): bigint => u64((x << r) | (x >> (64n - r)))
const round = (acc: bigint, input: bigint): bigint => u64(rotl(u64(acc + input * P2), 31n) * P1)
const mergeRound = (acc: bigint, v: bigint): bigint => u64((acc ^ round(0n, v)) * P1 + P4)

function read64(b: Uint8Array, i: number): bigint {
  const lo = (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0
  const hi = (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24)) >>> 0
  return (BigInt(hi) << 32n) | BigInt(lo)
}

function read32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0)
}

/** XXH64 of `bytes[0, length)` with `seed`. */
export function xxHash64(bytes: Uint8Array, seed = 0n, length = bytes.length): bigint {
  let i = 0
  let h: bigint
  if (length >= 32) {
    let v1 = u64(seed + P1 + P2)
    let v2 = u64(seed + P2)
    let v3 = seed
    let v4 = u64(seed - P1)
    for (; i <= length - 32; i += 32) {
      v1 = round(v1, read64(bytes, i))
      v2 = round(v2, read64(bytes, i + 8))
      v3 = round(v3, read64(bytes, i + 16))
      v4 = round(v4, read64(bytes, i + 24))
    }
    h = u64(rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n))
    h = mergeRound(h, v1)
    h = mergeRound(h, v2)
    h = mergeRound(h, v3)
    h = mergeRound(h, v4)
  } else {
    h = u64(seed + P5)
  }
  h = u64(h + BigInt(length))
  for (; i + 8 <= length; i += 8) {
    h ^= round(0n, read64(bytes, i))
    h = u64(rotl(h, 27n) * P1 + P4)
  }
  if (i + 4 <= length) {
    h ^= u64(read32(bytes, i) * P1)
    h = u64(rotl(h, 23n) * P2 + P3)
    i += 4
  }
  for (; i < length; i++) {
    h ^= u64(BigInt(bytes[i]) * P5)
    h = u64(rotl(h, 11n) * P1)
  }
  h ^= h >> 33n
  h = u64(h * P2)
  h ^= h >> 29n
  h = u64(h * P3)
  h ^= h >> 32n
  return h
}

const encoder = new TextEncoder()
let scratch = new Uint8Array(256)

/** XXH64 of the UTF-8 bytes of `s`. */
export function xxHash64String(s: string, seed = 0n): bigint {
  // 3 bytes per UTF-16 unit is the worst case of UTF-8, so encodeInto never truncates.
  if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3)
  const {written} = encoder.encodeInto(s, scratch)
  return xxHash64(scratch, seed, written)
}
