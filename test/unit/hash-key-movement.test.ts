// Which keys move when one of four backends goes, for the three hash strategies: the figures
// scenarios/hash-keys.yaml refers to (the report counts requests per backend, not per key).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {all, backendsWithWeights, except, make} from './strategy-fixtures.js'

const keys = Array.from({length: 10_000}, (_, i) => `user-${i}`)

function movement(name: string) {
  const four = backendsWithWeights([1, 1, 1, 1])
  const s4 = make(name, four)
  const before = keys.map((key) => s4.pick({key, usable: all})!.id)
  // r2 fails: marked down, still a member of the hash.
  const down = keys.map((key) => s4.pick({key, usable: except('r2')})!.id)
  // r2 is taken out of the pool: a new strategy over three backends.
  const three = [four[0], four[2], four[3]].map((b, index) => ({...b, index, inflight: 0}))
  const s3 = make(name, three)
  const removed = keys.map((key) => s3.pick({key, usable: all})!.id)
  const moved = (after: string[]) => after.filter((id, i) => id !== before[i]).length / keys.length
  return {
    owned: before.filter((id) => id === 'r2').length / keys.length,
    down: moved(down),
    /** Keys that were not r2's but moved anyway when r2 went down. */
    strayed: down.filter((id, i) => id !== before[i] && before[i] !== 'r2').length / keys.length,
    removed: moved(removed),
  }
}

describe('keys that move when one of four backends goes', () => {
  for (const name of ['ip-hash', 'consistent-hash', 'maglev']) {
    test(`${name}: marked down, only about r2's quarter of the keys moves`, () => {
      const m = movement(name)
      assert.ok(Math.abs(m.owned - 0.25) < 0.03, `r2 owned ${m.owned}`)
      assert.ok(m.strayed <= 0.001, `${m.strayed} of the other keys moved`)
      assert.ok(Math.abs(m.down - m.owned) <= 0.001, `moved ${m.down}, r2 owned ${m.owned}`)
    })
  }

  test('removed from the pool: modulo hashing (ip-hash) moves about 3/4, ketama and maglev about 1/4', () => {
    const ip = movement('ip-hash')
    const ketama = movement('consistent-hash')
    const maglev = movement('maglev')
    assert.ok(ip.removed > 0.7 && ip.removed < 0.8, `ip-hash moved ${ip.removed}`)
    assert.ok(Math.abs(ketama.removed - ketama.owned) < 0.001, `ketama moved ${ketama.removed}, r2 owned ${ketama.owned}`)
    assert.ok(maglev.removed >= maglev.owned && maglev.removed < maglev.owned + 0.01, `maglev moved ${maglev.removed}, r2 owned ${maglev.owned}`)
  })
})
