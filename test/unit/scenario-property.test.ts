// Whatever a scenario file holds, loading it either gives a scenario or a ScenarioError whose every line
// starts with file:line:col: never a TypeError, a stack, or a hang.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {stringify} from 'yaml'
import {ScenarioError} from '../../src/model/errors.js'
import {parseScenarioText} from '../../src/scenario/load.js'

const valid = {
  name: 'prop',
  seed: 7,
  replicas: {count: 3, kind: 'cluster', app: {latency: {dist: 'normal', mean: '2ms', stddev: '1ms'}, body: 12}, overrides: {r2: {weight: 2, latency: '5ms'}}},
  balancer: {kind: 'builtin', strategy: 'consistent-hash', hashKey: 'header:x-user', retries: 1, timeout: '2s', health: {passive: {maxFails: 1, failTimeout: '10s'}, active: {path: '/', interval: '1s'}}},
  load: {
    connections: 10,
    rate: 100,
    phases: [
      {name: 'warmup', duration: '1s', measure: false},
      {name: 'steady', duration: '10s', connections: 5},
    ],
    requests: [{method: 'POST', path: '/orders', body: '{}', headers: {'content-type': 'application/json'}}],
  },
  faults: [
    {at: '1s', action: 'kill', target: 'r2'},
    {at: '2s', action: 'pause', target: ['r1', 'r3'], for: '1s'},
    {at: '4s', action: 'fail', target: 'random', status: 503, rate: '50%', for: '1s'},
    {at: '6s', action: 'exec', command: 'true'},
  ],
  thresholds: ['latency.p99[steady] < 50ms', 'errors.rate < 1%', 'backend.r2.share > 0.1'],
  abortOnFail: true,
}

function check(text: string): void {
  try {
    parseScenarioText(text, 'p.yaml')
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw new Error(`not a ScenarioError for ${JSON.stringify(text)}: ${(e as Error)?.stack ?? String(e)}`, {cause: e})
    for (const line of e.message.split('\n')) assert.match(line, /^p\.yaml:\d+:\d+ \S/, `for ${JSON.stringify(text)}`)
    assert.ok(e.problems.length > 0)
  }
}

test('the valid document is valid', () => {
  parseScenarioText(stringify(valid), 'p.yaml')
})

type Json = unknown
type Path = Array<string | number>

function paths(v: Json, at: Path = []): Path[] {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => paths(x, [...at, i]))]
  if (v && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))]
  return [at]
}

function mutate(doc: Json, path: Path, op: 'drop' | 'set' | 'add', value: Json, key: string): Json {
  const copy = structuredClone(doc) as Record<string | number, Json>
  if (path.length === 0) return op === 'set' ? value : copy
  let parent = copy
  for (const k of path.slice(0, -1)) {
    parent = parent[k] as Record<string | number, Json>
    // An earlier mutation removed or replaced what this path goes through.
    if (!parent || typeof parent !== 'object') return copy
  }
  const last = path[path.length - 1]
  if (op === 'drop') {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last]
  } else if (op === 'set') parent[last] = value
  else {
    const target = parent[last]
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, Json>)[key] = value
  }
  return copy
}

const allPaths = paths(valid)
const nasty = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('5', '-1', '0', '1e400', '5s', '0s', '-5s', '1.5', 'r9', 'r0', 'random', '', '%', 'latency.p99 <', 'NaN', '100%', '[x]'),
  fc.constantFrom(0, -1, 1e9, 2.5, Number.MAX_SAFE_INTEGER, 65, 10_001, null, true),
  fc.string(),
)

test('mutated documents never throw anything but ScenarioError', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({path: fc.constantFrom(...allPaths), op: fc.constantFrom('drop', 'set', 'add'), value: nasty, key: fc.string({maxLength: 8})}), {minLength: 1, maxLength: 4}),
      (mutations) => {
        let doc: Json = valid
        for (const m of mutations) doc = mutate(doc, m.path, m.op, m.value, m.key)
        check(stringify(doc))
      },
    ),
    {numRuns: 300, seed: 42},
  )
})

test('random values and random text never throw anything but ScenarioError', () => {
  fc.assert(fc.property(fc.anything(), (v) => check(stringify(v) ?? '')), {numRuns: 200, seed: 1})
  const yamlish = fc.string({unit: fc.constantFrom(...'ab: -[]{}&*!|>\'"#%@`\n\t ,?0123456789.sm'.split('')), maxLength: 80})
  fc.assert(fc.property(yamlish, check), {numRuns: 300, seed: 2})
  fc.assert(fc.property(fc.string({maxLength: 200}), check), {numRuns: 200, seed: 3})
})

test('text edits of a valid file never throw anything but ScenarioError', () => {
  const text = stringify(valid)
  fc.assert(
    fc.property(
      fc.array(fc.record({at: fc.nat({max: text.length}), del: fc.nat({max: 5}), ins: fc.string({maxLength: 4})}), {minLength: 1, maxLength: 3}),
      (edits) => {
        let t = text
        for (const e of edits) t = t.slice(0, e.at) + e.ins + t.slice(e.at + e.del)
        check(t)
      },
    ),
    {numRuns: 250, seed: 4},
  )
})
