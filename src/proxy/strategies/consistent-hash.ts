// consistent-hash: the ketama ring of nginx `hash $key consistent` (`ngx_http_upstream_hash_module.c`,
// `init_chash` / `get_chash_peer`), Cache::Memcached::Fast compatible:
//   per backend: base := crc32 state of (name ‖ "\0" ‖ port); prev := 0
//   160·weight times: h := crc32(base ‖ prev as 4 little-endian bytes); add point (h, backend); prev := h
//   sort the points, keep one of equal hashes.   lookup: the first point with hash ≥ crc32(key), wrapping.
// The name is the backend id (r1 …) with no port: nginx would hash "127.0.0.1" and the port, which change
// per run here, so ids keep the ring the same from run to run. Equal hashes keep the lower backend
// (nginx's qsort leaves that to chance). An unusable backend's point passes to the next point; after 21
// points (nginx `tries > 20`), with a single backend, or with an empty key, smooth round-robin decides.
// Non-integer weights get round(160·weight) points.

import {CRC32_INIT, crc32Byte, crc32Final, crc32String, crc32UpdateString, crc32UpdateUint32LE} from './crc32.js'
import {SmoothWeights} from './smooth-weights.js'
import type {BackendView, PickRequest, StrategyKind} from './strategy.js'

export const KETAMA_POINTS_PER_WEIGHT = 160

export interface KetamaRing {
  /** Point hashes, ascending. */
  hashes: Uint32Array
  /** Backend position of each point. */
  owners: Int32Array
}

export function buildKetamaRing(backends: readonly BackendView[]): KetamaRing {
  const hashes: number[] = []
  const owners: number[] = []
  backends.forEach((b, position) => {
    const base = crc32Byte(crc32UpdateString(CRC32_INIT, b.id), 0) // host "\0", empty port
    let prev = 0
    const points = Math.round(KETAMA_POINTS_PER_WEIGHT * b.weight)
    for (let j = 0; j < points; j++) {
      const h = crc32Final(crc32UpdateUint32LE(base, prev))
      hashes.push(h)
      owners.push(position)
      prev = h
    }
  })
  const order = hashes.map((_, i) => i).sort((x, y) => hashes[x] - hashes[y] || owners[x] - owners[y])
  const ring: KetamaRing = {hashes: new Uint32Array(order.length), owners: new Int32Array(order.length)}
  let n = 0
  for (const i of order) {
    if (n > 0 && ring.hashes[n - 1] === hashes[i]) continue
    ring.hashes[n] = hashes[i]
    ring.owners[n++] = owners[i]
  }
  return {hashes: ring.hashes.subarray(0, n), owners: ring.owners.subarray(0, n)}
}

/** nginx `ngx_http_upstream_find_chash_point`: the first point with hash ≥ `hash` (may be the length). */
export function findPoint(hashes: Uint32Array, hash: number): number {
  let i = 0
  let j = hashes.length
  while (i < j) {
    const k = (i + j) >>> 1
    if (hash > hashes[k]) i = k + 1
    else if (hash < hashes[k]) j = k
    else return k
  }
  return i
}

export const consistentHash: StrategyKind = {
  name: 'consistent-hash',
  summary: 'a ketama ring over a key (nginx hash … consistent): few keys move when a backend comes or goes',
  needsHashKey: true,
  create({backends}) {
    const {hashes, owners} = buildKetamaRing(backends)
    const fallback = new SmoothWeights(backends)
    return {
      pick({key, usable}: PickRequest): BackendView | undefined {
        if (backends.length < 2 || !key || hashes.length === 0) return fallback.pick(usable)
        let point = findPoint(hashes, crc32String(key))
        for (let tries = 0; ; point++) {
          const b = backends[owners[point % hashes.length]]
          if (usable(b)) return b
          if (++tries > 20) return fallback.pick(usable)
        }
      },
    }
  },
}
