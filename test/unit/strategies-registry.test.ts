// The registry's names and flags, and what every strategy shares: nothing usable → undefined.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {strategies} from '../../src/proxy/strategies/registry.js'
import {backendsWithWeights, except, make, none} from './strategy-fixtures.js'

const names = [
  'round-robin',
  'weighted-round-robin',
  'least-connections',
  'random',
  'p2c',
  'peak-ewma',
  'ip-hash',
  'consistent-hash',
  'maglev',
]

describe('strategy registry', () => {
  test('has exactly the 9 strategies, each under its own name', () => {
    assert.deepEqual(Object.keys(strategies).sort(), [...names].sort())
    for (const [name, def] of Object.entries(strategies)) assert.equal(def.name, name)
  })

  test('needsHashKey is set exactly for ip-hash, consistent-hash and maglev', () => {
    const hashed = Object.values(strategies)
      .filter((d) => d.needsHashKey === true)
      .map((d) => d.name)
      .sort()
    assert.deepEqual(hashed, ['consistent-hash', 'ip-hash', 'maglev'])
  })
})

describe('every strategy', () => {
  for (const name of names) {
    test(`${name}: undefined when nothing is usable, and never an unusable backend`, () => {
      for (const weights of [[1], [5, 1, 1], [1, 1, 1, 1, 1]]) {
        const s = make(name, backendsWithWeights(weights))
        for (const key of [undefined, '10.0.0.7', '/a/b', '']) {
          assert.equal(s.pick({key, usable: none}), undefined, `${weights} ${key}`)
          if (weights.length > 1) {
            for (let i = 0; i < 50; i++) assert.notEqual(s.pick({key: key ?? `k${i}`, usable: except('r1')})?.id, 'r1')
          }
        }
      }
    })
  }
})
