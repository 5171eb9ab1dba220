// ip-hash: nginx's modulo hashing, chosen by what the key is:
// - a client address (hashKey `ip`, or any key that parses as one): nginx `ip_hash`
//   (`ngx_http_upstream_ip_hash_module.c`): h := 89; for each of the first 3 octets of IPv4 (all 16 bytes of
//   IPv6): h := (h·113 + byte) mod 6271; then w := h mod total_weight;
// - any other key (a path, a header value): nginx `hash $key` (`ngx_http_upstream_hash_module.c`,
//   Cache::Memcached compatible): h += (crc32([rehash count as decimal] ‖ key) >> 16) & 0x7fff, the count
//   omitted the first time; then w := h mod total_weight.
// Then walk the cumulative weights of ALL backends (down ones included, so the mapping survives a failure)
// to w's backend. An unusable one makes the hash mix again (ip_hash: another round of the same octets;
// hash: the next rehash count); after 21 candidates (nginx `++tries > 20`), a single backend, or an empty
// key, smooth round-robin over the usable ones decides, as nginx falls back to round-robin.

import {CRC32_INIT, crc32Byte, crc32Final, crc32UpdateString} from './crc32.js'
import {ipHashBytes} from './ip-address-bytes.js'
import {SmoothWeights} from './smooth-weights.js'
import type {BackendView, PickRequest, StrategyKind} from './strategy.js'

/** nginx `ip_hash` over the first `length` bytes, one mixing round from `hash` (start 89). */
export function ipHashRound(hash: number, bytes: Uint8Array, length: number): number {
  let h = hash
  for (let i = 0; i < length; i++) h = (h * 113 + bytes[i]) % 6271
  return h
}

/** nginx `hash $key` step: the 15 bits added for attempt `rehash` (0 = first). */
export function keyHashStep(key: string, rehash: number): number {
  let c = CRC32_INIT
  if (rehash > 0) {
    // Decimal digits, most significant first, without building a string (rehash ≤ 20).
    let div = 1
    while (div * 10 <= rehash) div *= 10
    for (; div >= 1; div = Math.floor(div / 10)) c = crc32Byte(c, 0x30 + (Math.floor(rehash / div) % 10))
  }
  c = crc32UpdateString(c, key)
  return (crc32Final(c) >>> 16) & 0x7fff
}

export const ipHash: StrategyKind = {
  name: 'ip-hash',
  summary: "nginx's modulo hashing of a key: ip_hash for a client address (the default key), hash for any other",
  needsHashKey: true,
  // One key is obvious here: the client's address, as nginx ip_hash.
  defaultHashKey: 'ip',
  create({backends}) {
    const total = backends.reduce((sum, b) => sum + b.weight, 0)
    const fallback = new SmoothWeights(backends)
    const address = new Uint8Array(16)

    const owner = (hash: number): BackendView => {
      let w = hash % total
      let i = 0
      while (i < backends.length - 1 && w >= backends[i].weight) w -= backends[i++].weight
      return backends[i]
    }

    return {
      pick({key, usable}: PickRequest): BackendView | undefined {
        if (backends.length < 2 || !key || !(total > 0)) return fallback.pick(usable)
        const length = ipHashBytes(key, address)
        let hash = length > 0 ? 89 : 0
        for (let tries = 0; ; ) {
          hash = length > 0 ? ipHashRound(hash, address, length) : hash + keyHashStep(key, tries)
          const b = owner(hash)
          if (usable(b)) return b
          if (++tries > 20) return fallback.pick(usable)
        }
      },
    }
  },
}
