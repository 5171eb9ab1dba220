// The balancer kinds' contract: every descriptor of the registry goes through the same checks, so a new
// kind is held to them by being listed, with no list of names here to keep up to date.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {BalancerKind} from '../../src/balancers/balancer-kind.js'
import {balancerKinds, describeBalancer} from '../../src/balancers/registry.js'
import {scenarioJsonSchema} from '../../src/scenario/json-schema.js'
import {strategyKinds} from '../../src/proxy/strategies/registry.js'
import {strategyless} from '../../src/cli/compare-subjects.js'
import {parseScenarioText} from '../../src/scenario/load.js'
import type {Scenario} from '../../src/model/scenario.js'
import {lazyLoads} from '../helpers/lazy-loads.js'

const parse = (balancer: string): Scenario => parseScenarioText(`name: a\nbalancer: ${balancer}\n`, 'kinds.yaml').scenario
/** `{kind: NAME, …its example's keys, …more}` as YAML flow text. */
const named = (kind: BalancerKind, more = ''): string => JSON.stringify({kind: kind.name, ...kind.example}).replace(/}$/, more ? `, ${more}}` : '}')
const strategyNames = strategyKinds.names
const needsKey = (name: string) => strategyKinds.get(name)?.needsHashKey === true

test('the registry has kinds, each with its own name and a one-line summary', () => {
  assert.ok(balancerKinds.all.length > 0)
  assert.equal(new Set(balancerKinds.names).size, balancerKinds.all.length)
  for (const kind of balancerKinds.all) {
    assert.match(kind.name, /^[a-z][a-z0-9-]*$/, kind.name)
    assert.match(kind.summary, /^\S[^\n]{10,}$/, kind.name)
    assert.equal(balancerKinds.get(kind.name), kind)
  }
})

describe('every balancer kind', () => {
  for (const kind of balancerKinds.all) {
    describe(kind.name, () => {
      test('a scenario that only names it (and its example keys) is valid and its checks find nothing', () => {
        const s = parse(named(kind))
        assert.equal(s.balancer.kind, kind.name)
        assert.deepEqual(kind.checkSections?.(s.balancer, s.replicas) ?? [], [])
        assert.deepEqual(kind.check(s), [])
      })

      test('a key of its own given with any other kind is a problem at that key, saying whom it applies to', () => {
        for (const [key, whom] of Object.entries(kind.ownKeys ?? {})) {
          assert.match(whom, /^\S[^\n]*\S$/, `what ${key} applies to`)
          for (const other of balancerKinds.names.filter((n) => n !== kind.name)) {
            const text = `name: a\nbalancer: {kind: ${other}, ${key}: true}\n`
            const expected = `kinds.yaml:2:${text.indexOf(key) - text.indexOf('balancer') + 1} balancer.${key}: applies to ${whom}; balancer.kind is ${other}`
            assert.throws(() => parseScenarioText(text, 'kinds.yaml'), (e: Error) => e.message.split('\n').includes(expected), `${key} with ${other}`)
          }
        }
      })

      test('a scenario without a health section gets its default health, a fresh copy each time', () => {
        assert.deepEqual(parse(named(kind)).balancer.health, kind.defaultHealth())
        const health = kind.defaultHealth()
        if (health.passive) assert.notEqual(health.passive, kind.defaultHealth().passive)
      })

      test('its strategies exist in the strategy registry, and its check agrees with them', () => {
        if (kind.strategies === null) {
          assert.ok(strategyless.has(kind.name), 'a kind without strategies runs once in a compare matrix')
          assert.throws(() => parse(named(kind, 'strategy: least-connections')), /balancer\.strategy: does not apply/)
          return
        }
        assert.ok(!strategyless.has(kind.name))
        const claimed = Object.keys(kind.strategies)
        assert.ok(claimed.length > 0)
        for (const name of claimed) {
          assert.ok(strategyNames.includes(name), `${kind.name} claims ${name}, which the strategy registry does not have`)
          assert.match(kind.strategies[name], /\S/, `how ${kind.name} does ${name}`)
        }
        for (const name of strategyNames) {
          const key = needsKey(name) ? ', hashKey: path' : ''
          const s = parseScenarioText(`name: a\nbalancer: {strategy: ${name}${key}}\n`, 'kinds.yaml').scenario
          const problems = kind.check({...s, balancer: {...s.balancer, kind: kind.name}}).filter((p) => p.path === 'balancer.strategy')
          assert.equal(problems.length, claimed.includes(name) ? 0 : 1, `${kind.name} with ${name}: ${JSON.stringify(problems)}`)
        }
      })

      test('it labels itself on one line, as validate and the reports show it', () => {
        const b = parse(named(kind)).balancer
        const label = kind.label(b)
        assert.match(label, /^\S[^\n]*\S$/)
        assert.doesNotMatch(label, /undefined|null|NaN/)
        assert.equal(describeBalancer(b), label)
      })
    })
  }

  for (const kind of balancerKinds.all.filter((k) => k.options)) {
    test(`${kind.name}: its own keys are in the JSON Schema, and refused for every other kind`, () => {
      const properties = ((scenarioJsonSchema().properties as Record<string, {properties: Record<string, {description?: string}>}>).balancer).properties
      for (const [key, option] of Object.entries(kind.options!)) {
        assert.ok(properties[key]?.description?.endsWith(`: ${option.what}`), key)
        for (const other of balancerKinds.all.filter((k) => !k.options?.[key])) {
          assert.throws(() => parse(named(other, `${key}: ${JSON.stringify(option.example ?? 'x')}`)), new RegExp(`balancer\\.${key}: applies to [^;]*\\b${kind.name}\\b[^;]* balancers only; balancer\\.kind is ${other.name}`))
        }
      }
    })
  }

  test('a kind this version does not know (a report from another) is labelled by its name', () => {
    assert.equal(describeBalancer({...parse('{}').balancer, kind: 'envoy', strategy: 'p2c'}), 'envoy (p2c)')
  })

  test('importing the registry loads no implementation; each kind loads its own when created', () => {
    const loads = lazyLoads('balancers')
    for (const kind of balancerKinds.all) {
      const own = (loads.kinds[kind.name] ?? []).filter((f) => !loads.registry.includes(f))
      assert.ok(own.length > 0, `${kind.name}.create loaded nothing the registry had not already loaded: ${loads.registry.join(', ')}`)
    }
  })
})
