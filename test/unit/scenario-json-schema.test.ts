import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {scenarioJsonSchema, scenarioJsonSchemaText} from '../../src/scenario/json-schema.js'

const file = join(import.meta.dirname, '..', '..', 'schema', 'scenario.schema.json')

test('schema/scenario.schema.json is up to date (regenerate: node --import tsx scripts/generate-scenario-schema.ts)', () => {
  assert.equal(readFileSync(file, 'utf8'), scenarioJsonSchemaText())
})

test('the JSON Schema describes what a file may say, not the resolved scenario', () => {
  const s = scenarioJsonSchema() as {
    required: string[]
    additionalProperties: boolean
    properties: Record<string, {properties?: Record<string, {default?: unknown; pattern?: string; type?: string}>}>
  }
  assert.deepEqual(s.required, ['name'])
  assert.equal(s.additionalProperties, false)
  const load = s.properties.load.properties!
  assert.equal(load.timeout.default, '2s', 'durations are text with a unit in files')
  assert.equal(load.timeout.type, 'string')
  assert.ok(new RegExp(load.timeout.pattern!).test('250us'))
  assert.ok(!new RegExp(load.timeout.pattern!).test('250'))
})
