// The contract every strategy descriptor keeps, checked for each one in the registry: a new strategy is
// tested here the day it is listed, with no name to add. What a strategy chooses is its own test's
// (strategies-rotation, -load, -hash); this is what all of them share.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {parseScenarioText} from '../../src/scenario/load.js'
import {hashKeyPattern} from '../../src/scenario/schema.js'
import {strategyKinds} from '../../src/proxy/strategies/registry.js'
import {backendsWithWeights, except, make, none} from './strategy-fixtures.js'

const keys = [undefined, '10.0.0.7', '::ffff:10.0.0.8', '/a/b', 'user-17', '']

describe('the strategy registry', () => {
  test('names are unique and every strategy is found under its own name', () => {
    assert.ok(strategyKinds.all.length > 0)
    assert.equal(new Set(strategyKinds.names).size, strategyKinds.names.length)
    for (const s of strategyKinds.all) assert.equal(strategyKinds.get(s.name), s)
  })
})

for (const kind of strategyKinds.all) {
  describe(`strategy ${kind.name}`, () => {
    test('says what it is, in one line, and whether it needs a hash key', () => {
      assert.match(kind.summary, /^\S.*\S$/)
      assert.ok(!kind.summary.includes('\n'))
      assert.equal(typeof kind.needsHashKey, 'boolean')
      assert.equal(typeof kind.create, 'function')
      if (kind.defaultHashKey !== undefined) {
        assert.ok(kind.needsHashKey, 'a default hash key for a strategy that takes none')
        assert.match(kind.defaultHashKey, hashKeyPattern)
      }
      for (const other of kind.nearest ?? []) {
        assert.ok(strategyKinds.names.includes(other), `nearest ${other} is no strategy`)
        assert.notEqual(other, kind.name, 'nearest to itself')
      }
    })

    test('over 3 backends: picks a usable backend, never an unusable one, nothing when none is usable', () => {
      const backends = backendsWithWeights([1, 2, 1])
      const s = make(kind.name, backends)
      for (const key of keys) {
        for (let i = 0; i < 60; i++) {
          const k = key ?? `k${i}`
          const any = s.pick({key: k, usable: () => true})
          assert.ok(any && backends.includes(any), `${key}: picked ${any?.id}`)
          const picked = s.pick({key: k, usable: except('r2')})
          assert.ok(picked && picked.id !== 'r2' && backends.includes(picked), `${key}: picked ${picked?.id} with r2 unusable`)
          s.observe?.(picked, 1 + (i % 5), i % 7 !== 0, i)
        }
        assert.equal(s.pick({key, usable: none}), undefined)
      }
    })

    test('with 1, 3 and 5 backends of other weights: nothing when none is usable, never r1 when it is not', () => {
      for (const weights of [[1], [5, 1, 1], [1, 1, 1, 1, 1]]) {
        const s = make(kind.name, backendsWithWeights(weights))
        for (const key of keys) {
          assert.equal(s.pick({key, usable: none}), undefined, `${weights} ${key}`)
          if (weights.length > 1) {
            for (let i = 0; i < 50; i++) assert.notEqual(s.pick({key: key ?? `k${i}`, usable: except('r1')})?.id, 'r1')
          }
        }
      }
    })

    test('a scenario may name it, with a hash key exactly when it needs one', () => {
      const hashKey = kind.needsHashKey && kind.defaultHashKey === undefined ? '\n  hashKey: path' : ''
      const s = parseScenarioText(`name: a\nbalancer:\n  strategy: ${kind.name}${hashKey}\n`, 's.yaml').scenario
      assert.equal(s.balancer.strategy, kind.name)
      assert.equal(s.balancer.hashKey, kind.needsHashKey ? (kind.defaultHashKey ?? 'path') : undefined)
    })
  })
}
