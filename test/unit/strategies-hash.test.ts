// ip-hash (nginx ip_hash / hash $key), consistent-hash (nginx ketama), maglev (Envoy), and their hashes.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {crc32} from 'node:zlib'
import {seededRandom} from '../../src/model/random.js'
import {crc32String} from '../../src/proxy/strategies/crc32.js'
import {xxHash64String} from '../../src/proxy/strategies/xxhash64.js'
import {ipHashBytes} from '../../src/proxy/strategies/ip-address-bytes.js'
import {buildKetamaRing, KETAMA_POINTS_PER_WEIGHT} from '../../src/proxy/strategies/consistent-hash.js'
import {buildMaglevTable, MAGLEV_TABLE_SIZE} from '../../src/proxy/strategies/maglev.js'
import {strategyKinds} from '../../src/proxy/strategies/registry.js'
import type {BackendView, Strategy} from '../../src/proxy/strategies/strategy.js'
import {all, backendsWithWeights, except, make} from './strategy-fixtures.js'

const keys = Array.from({length: 10_000}, (_, i) => `/users/${i}`)

function owners(s: Strategy, usable: (b: BackendView) => boolean = all): number[] {
  return keys.map((key) => s.pick({key, usable})!.index)
}

/** Fraction of keys whose backend changed, and how many of them had not been on `removed`. */
function remap(before: number[], after: number[], removed: number): {moved: number; movedOthers: number} {
  let moved = 0
  let movedOthers = 0
  before.forEach((b, i) => {
    if (b !== after[i]) {
      moved++
      if (b !== removed) movedOthers++
    }
  })
  return {moved: moved / before.length, movedOthers}
}

describe('hash functions', () => {
  test('crc32 matches zlib on ASCII and UTF-8 keys', () => {
    for (const s of ['', 'a', '/users/42', 'header value with spaces', 'ä€𝄞 mixed', 'x'.repeat(1000)]) {
      assert.equal(crc32String(s), crc32(Buffer.from(s)), s)
    }
  })

  test('xxHash64 matches the reference implementation (values from libxxhash 0.8.1, XXH64)', () => {
    const vectors: [string, bigint, bigint][] = [
      // [input, seed 0, seed 1]
      ['', 0xef46db3751d8e999n, 0xd5afba1336a3be4bn],
      ['a', 0xd24ec4f1a98c6e5bn, 0xdec2bc81c3cd46c6n],
      ['abc', 0x44bc2cf5ad770999n, 0xbea9ca8199328908n],
      ['r1', 0x6156e39992d788e7n, 0x2fed36136088a7d2n],
      ['0123456789abcdef0123456789abcdef', 0x642a94958e71e6c5n, 0x048b8b580878a4a4n],
      ['x'.repeat(100), 0x92f0de5a88a3c094n, 0xa27aec103fa2bdaen],
      ['/users/42?tab=ä€𝄞', 0xb48b33231e859e3cn, 0x4a17569989a49e20n],
    ]
    for (const [s, h0, h1] of vectors) {
      assert.equal(xxHash64String(s), h0, s)
      assert.equal(xxHash64String(s, 1n), h1, s)
    }
  })

  test('ip_hash bytes: the /24 of IPv4 (also as ::ffff:a.b.c.d), all 16 bytes of IPv6, none for other keys', () => {
    const out = new Uint8Array(16)
    const bytes = (s: string) => [...out.subarray(0, ipHashBytes(s, out))]
    assert.deepEqual(bytes('192.168.1.10'), [192, 168, 1])
    assert.deepEqual(bytes('::ffff:192.168.1.10'), [192, 168, 1])
    assert.deepEqual(bytes('::1'), [...new Array(15).fill(0), 1])
    assert.deepEqual(bytes('2001:db8::7334'), [0x20, 0x01, 0x0d, 0xb8, ...new Array(10).fill(0), 0x73, 0x34])
    assert.deepEqual(bytes('fe80::1%lo'), [0xfe, 0x80, ...new Array(13).fill(0), 1])
    for (const notAnAddress of ['/users/1', 'alice', '', '256.1.1.1', '1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9']) {
      assert.deepEqual(bytes(notAnAddress), [], notAnAddress)
    }
  })
})

describe('ip-hash (nginx ip_hash and hash $key)', () => {
  test('client addresses map as nginx ip_hash computes them', () => {
    const s = make('ip-hash', backendsWithWeights([1, 1, 1, 1]))
    const pick = (key: string, usable: (b: BackendView) => boolean = all) => s.pick({key, usable})?.id
    // 192.168.1.10 → octets 192, 168, 1; h starts at 89:
    //   (89·113 + 192) mod 6271 = 10249 mod 6271 = 3978
    //   (3978·113 + 168) mod 6271 = 449682 mod 6271 = 4441
    //   (4441·113 + 1) mod 6271 = 501834 mod 6271 = 154;   154 mod 4 = 2 → r3
    assert.equal(pick('192.168.1.10'), 'r3')
    assert.equal(pick('192.168.1.99'), 'r3') // same /24
    assert.equal(pick('::ffff:192.168.1.10'), 'r3')
    // 10.0.0.1: (89·113 + 10) mod 6271 = 3796; (3796·113) mod 6271 = 2520; (2520·113) mod 6271 = 2565; mod 4 = 1 → r2
    assert.equal(pick('10.0.0.1'), 'r2')
    // 127.0.0.1: h = 4040, mod 4 = 0 → r1
    assert.equal(pick('127.0.0.1'), 'r1')
    // ::1: 15 zero bytes then 1, h = 5945, mod 4 = 1 → r2
    assert.equal(pick('::1'), 'r2')
    // r3 unusable: 192.168.1.10 mixes again from 154 over the same octets → 5654 (mod 4 = 2, r3 again)
    // → 1196 (mod 4 = 0) → r1
    assert.equal(pick('192.168.1.10', except('r3')), 'r1')
  })

  test('weights: w = h mod total weight, walked over the cumulative weights', () => {
    const s = make('ip-hash', backendsWithWeights([5, 1, 1]))
    // 192.168.1.10: 154 mod 7 = 0 → r1;  172.16.5.4: h = 3526, mod 7 = 5 → r2;  8.8.8.8: h = 3023, mod 7 = 6 → r3
    assert.equal(s.pick({key: '192.168.1.10', usable: all})?.id, 'r1')
    assert.equal(s.pick({key: '172.16.5.4', usable: all})?.id, 'r2')
    assert.equal(s.pick({key: '8.8.8.8', usable: all})?.id, 'r3')
  })

  test('other keys map as nginx `hash $key`: h += (crc32([rehash] key) >> 16) & 0x7fff, mod total weight', () => {
    const s = make('ip-hash', backendsWithWeights([1, 1, 1, 1]))
    const step = (k: string) => (crc32(Buffer.from(k)) >>> 16) & 0x7fff
    for (const key of ['/users/1', '/users/2', 'alice']) {
      const h1 = step(key)
      assert.equal(s.pick({key, usable: all})?.index, h1 % 4, key)
      // Its backend unusable: the second try adds the crc of "1" + key.
      const first = `r${(h1 % 4) + 1}`
      const h2 = h1 + step(`1${key}`)
      const expected = h2 % 4 === h1 % 4 ? undefined : h2 % 4
      if (expected !== undefined) assert.equal(s.pick({key, usable: except(first)})?.index, expected, key)
    }
    // Worked out: crc32("/users/1") = 0xf3035104 → 0xf303 & 0x7fff = 29443, mod 4 = 3 → r4;
    // r4 unusable: + (crc32("1/users/1") >> 16 & 0x7fff = 18786) = 48229, mod 4 = 1 → r2.
    assert.equal(s.pick({key: '/users/1', usable: all})?.id, 'r4')
    assert.equal(s.pick({key: '/users/1', usable: except('r4')})?.id, 'r2')
  })

  test('marking a backend unusable moves only its own keys (the mapping is over all backends)', () => {
    const s = make('ip-hash', backendsWithWeights([1, 1, 1, 1]))
    const {moved, movedOthers} = remap(owners(s), owners(s, except('r2')), 1)
    assert.equal(movedOthers, 0)
    assert.ok(moved > 0.2 && moved < 0.3, String(moved))
  })

  test('no key, or a single backend: smooth round-robin', () => {
    const s = make('ip-hash', backendsWithWeights([1, 1]))
    assert.deepEqual([0, 1, 2, 3].map(() => s.pick({usable: all})?.id), ['r1', 'r2', 'r1', 'r2'])
  })
})

describe('consistent-hash (nginx ketama)', () => {
  test('the ring is nginx’s: 160 points per weight unit, h = crc32(name "\\0" ‖ previous point, 4 bytes LE)', () => {
    const backends = backendsWithWeights([1, 2])
    const ring = buildKetamaRing(backends)
    const counts = [0, 0]
    for (const o of ring.owners) counts[o]++
    assert.deepEqual(counts, [KETAMA_POINTS_PER_WEIGHT, 2 * KETAMA_POINTS_PER_WEIGHT]) // no collisions here
    for (let i = 1; i < ring.hashes.length; i++) assert.ok(ring.hashes[i - 1] < ring.hashes[i])
    // r1's first two points, computed with zlib over the concatenated bytes.
    const le = (v: number) => Buffer.from([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24])
    const p1 = crc32(Buffer.concat([Buffer.from('r1\0'), le(0)]))
    const p2 = crc32(Buffer.concat([Buffer.from('r1\0'), le(p1)]))
    for (const p of [p1, p2]) assert.equal(ring.owners[ring.hashes.indexOf(p)], 0)
  })

  test('a key goes to the first point ≥ crc32(key), wrapping', () => {
    const backends = backendsWithWeights([1, 1, 1])
    const ring = buildKetamaRing(backends)
    const s = make('consistent-hash', backends)
    for (const key of keys.slice(0, 500)) {
      const h = crc32(Buffer.from(key))
      let i = ring.hashes.findIndex((p) => p >= h)
      if (i === -1) i = 0
      assert.equal(s.pick({key, usable: all})?.index, ring.owners[i], key)
    }
  })

  test('4 backends, 10k keys: shares within bounds; removing one moves only its keys, about 1/4', () => {
    const s = make('consistent-hash', backendsWithWeights([1, 1, 1, 1]))
    const before = owners(s)
    const counts = [0, 0, 0, 0]
    for (const o of before) counts[o]++
    for (const c of counts) assert.ok(c / keys.length > 0.18 && c / keys.length < 0.32, String(counts))
    const after = owners(s, except('r2'))
    const {moved, movedOthers} = remap(before, after, 1)
    assert.equal(movedOthers, 0)
    assert.equal(moved, counts[1] / keys.length)
    assert.ok(moved > 0.18 && moved < 0.32, String(moved))
    // r2's keys spread over the others (each ring neighbour takes some).
    const takers = new Set(after.filter((_, i) => before[i] === 1))
    assert.equal(takers.size, 3)
  })

  test('weights scale the shares', () => {
    const s = make('consistent-hash', backendsWithWeights([3, 1]))
    const share = owners(s).filter((o) => o === 0).length / keys.length
    assert.ok(share > 0.65 && share < 0.85, String(share))
  })
})

describe('maglev (Envoy)', () => {
  test('each backend’s share of the 65537 entries is within 1% of its weight share', () => {
    for (const weights of [[1, 1, 1, 1], [1, 2, 3, 4], [5, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]) {
      const backends = backendsWithWeights(weights)
      const table = buildMaglevTable(backends, backends.map((b) => b.index))
      assert.equal(table.length, MAGLEV_TABLE_SIZE)
      const counts = new Array<number>(weights.length).fill(0)
      for (const slot of table) counts[slot]++
      const sum = weights.reduce((a, b) => a + b)
      counts.forEach((c, i) => assert.ok(Math.abs(c / MAGLEV_TABLE_SIZE - weights[i] / sum) < 0.01, `${weights}: ${counts}`))
    }
  })

  test('a key goes to table[xxHash64(key) mod 65537]', () => {
    const backends = backendsWithWeights([1, 1, 1])
    const table = buildMaglevTable(backends, [0, 1, 2])
    const s = make('maglev', backends)
    for (const key of keys.slice(0, 500)) {
      assert.equal(s.pick({key, usable: all})?.index, table[Number(xxHash64String(key) % 65537n)], key)
    }
  })

  test('removing one of N backends moves close to 1/N of the keys', () => {
    for (const n of [4, 5]) {
      const s = make('maglev', backendsWithWeights(new Array(n).fill(1)))
      const before = owners(s)
      const removedShare = before.filter((o) => o === 1).length / keys.length
      const {moved, movedOthers} = remap(before, owners(s, except('r2')), 1)
      // Every key of the removed one moves, and Maglev moves a few others (≤ 1% of keys here).
      assert.ok(moved >= removedShare && moved - removedShare < 0.01, `n=${n}: moved ${moved}, share ${removedShare}`)
      assert.ok(Math.abs(moved - 1 / n) < 0.03, `n=${n}: moved ${moved}`)
      assert.ok(movedOthers / keys.length < 0.01, `n=${n}: ${movedOthers} other keys moved`)
    }
  })

  test('the table follows the usable set back and forth', () => {
    const s = make('maglev', backendsWithWeights([1, 1, 1, 1]))
    const before = owners(s)
    owners(s, except('r3'))
    owners(s, except('r1', 'r3'))
    assert.deepEqual(owners(s), before)
  })

  test('no key: a random slot from the seeded generator', () => {
    const s = make('maglev', backendsWithWeights([1, 1]), {random: seededRandom(4)})
    const ids = new Set(Array.from({length: 50}, () => s.pick({usable: all})?.id))
    assert.deepEqual(ids, new Set(['r1', 'r2']))
  })
})

describe('every hash strategy', () => {
  test('says it needs a hash key; ip-hash takes the client address when the scenario gives none', () => {
    for (const name of ['ip-hash', 'consistent-hash', 'maglev']) assert.equal(strategyKinds.get(name)?.needsHashKey, true, name)
    assert.equal(strategyKinds.get('ip-hash')?.defaultHashKey, 'ip')
    assert.equal(strategyKinds.get('consistent-hash')?.defaultHashKey, undefined)
    assert.equal(strategyKinds.get('maglev')?.defaultHashKey, undefined)
  })

  for (const name of ['ip-hash', 'consistent-hash', 'maglev']) {
    test(`${name} maps the same key to the same backend every time, whatever the seed`, () => {
      const a = make(name, backendsWithWeights([2, 1, 1, 3]), {random: seededRandom(1)})
      const b = make(name, backendsWithWeights([2, 1, 1, 3]), {random: seededRandom(2)})
      for (const key of [...keys.slice(0, 300), '10.1.2.3', '::1', 'header-value']) {
        const first = a.pick({key, usable: all})
        assert.ok(first, `a backend for ${key}`)
        for (let i = 0; i < 3; i++) assert.equal(a.pick({key, usable: all}), first, key)
        assert.equal(b.pick({key, usable: all})?.id, first?.id, key)
      }
    })
  }
})
