// Balancer kinds and their support checks are two lists that must agree. Strategies, fault actions and
// replica kinds have one list each, their registry, whose contract tests are strategy-kinds,
// fault-kinds and replica-kinds.test.ts.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {balancerKinds} from '../../src/balancers/registry.js'
import {balancerSupport} from '../../src/balancers/support.js'

test('every balancer kind has a support check', () => {
  assert.deepEqual(Object.keys(balancerSupport).sort(), Object.keys(balancerKinds).sort())
})
