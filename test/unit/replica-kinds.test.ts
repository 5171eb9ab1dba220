// The contract every replica kind keeps, checked for each one in the registry: a scenario of its own
// validates and its check finds nothing there, its keys belong to it alone, `lbbench clean` knows what it
// leaves, and its code loads only when a run starts it. A new kind is tested here the day it is listed.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {stringify} from 'yaml'
import {ScenarioError} from '../../src/model/errors.js'
import {replicaKinds} from '../../src/replicas/registry.js'
import {parseScenarioText} from '../../src/scenario/load.js'
import {scenarioJsonSchema} from '../../src/scenario/json-schema.js'

const src = join(import.meta.dirname, '..', '..', 'src')

function replicasOf(replicas: Record<string, unknown>) {
  return parseScenarioText(stringify({name: 'a', replicas}), 's.yaml').scenario.replicas
}

function problemsOf(replicas: Record<string, unknown>): string[] {
  try {
    replicasOf(replicas)
    return []
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e))
    return e.problems.map((p) => `${p.path}: ${p.message}`)
  }
}

describe('the replica kind registry', () => {
  test('names are unique and every kind is found under its own name', () => {
    assert.ok(replicaKinds.all.length > 0)
    assert.equal(new Set(replicaKinds.names).size, replicaKinds.names.length)
    for (const k of replicaKinds.all) assert.equal(replicaKinds.get(k.name), k)
  })

  test('validating a scenario and listing the kinds load no kind’s code: create() does, and only then', () => {
    // A resolve hook refuses the kinds' modules (replicas/<name>.ts, and dockerode): importing one eagerly
    // fails. Every kind's example scenario is validated with the hook on.
    const hook = `export async function resolve(s, c, next) {
      const r = await next(s, c)
      if (/\\/replicas\\/(${replicaKinds.names.join('|')})\\.ts$|\\/node_modules\\/dockerode\\//.test(r.url)) throw new Error('loaded: ' + r.url)
      return r
    }`
    const examples = replicaKinds.all.map((k) => stringify({name: 'a', replicas: {kind: k.name, ...k.example}}))
    const script = `
      import {register} from 'node:module'
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}))
      const {replicaKinds} = await import(${JSON.stringify(pathToFileURL(join(src, 'replicas', 'registry.ts')).href)})
      const {parseScenarioText} = await import(${JSON.stringify(pathToFileURL(join(src, 'scenario', 'load.ts')).href)})
      for (const text of ${JSON.stringify(examples)}) parseScenarioText(text, 's.yaml')
      const created = await Promise.allSettled(replicaKinds.all.map((k) => k.create({})))
      console.log(JSON.stringify(created.map((r) => (r.status === 'rejected' ? String(r.reason.message).split('\\n')[0] : 'created'))))`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    const outcomes: string[] = JSON.parse(r.stdout)
    replicaKinds.all.forEach((k, i) => assert.match(outcomes[i], new RegExp(`^loaded: .*/replicas/${k.name}\\.ts$`), `${k.name}: ${outcomes[i]}`))
  })
})

for (const kind of replicaKinds.all) {
  describe(`replica kind ${kind.name}`, () => {
    test('says what it is in one line, what a crashed run of it leaves, and how to start it', () => {
      assert.match(kind.summary, /^\S.*\S$/)
      assert.match(kind.leftovers.what, /^\S.*\S$/)
      assert.ok(kind.leftovers.sweep === undefined || typeof kind.leftovers.sweep === 'function')
      assert.equal(typeof kind.check, 'function')
      assert.equal(typeof kind.create, 'function')
      for (const key of Object.keys(kind.example)) assert.ok(key in kind.options, `its example gives ${key}, which it does not take`)
    })

    test('its example validates, check() finds nothing there, and the ready path is its default', () => {
      const replicas = replicasOf({kind: kind.name, ...kind.example})
      assert.equal(replicas.kind, kind.name)
      assert.deepEqual(kind.check(replicas), [])
      assert.equal(replicas.ready.path, kind.defaultReadyPath)
    })

    test('its own keys are in the JSON Schema, and refused for every other kind', () => {
      const properties = ((scenarioJsonSchema().properties as Record<string, {properties: Record<string, {description?: string}>}>).replicas).properties
      for (const [key, option] of Object.entries(kind.options)) {
        assert.match(properties[key]?.description ?? '', new RegExp(`${kind.name}.*: ${option.what.replace(/[$()]/g, '\\$&')}$`), key)
        // A value of the right form, so that only its kind is wrong.
        const value = option.example ?? (option.schema ? assert.fail(`${kind.name}: ${key} has a schema and no example value`) : 'x')
        for (const other of replicaKinds.all.filter((k) => !(key in k.options))) {
          const problems = problemsOf({kind: other.name, ...other.example, [key]: value})
          const takers = replicaKinds.all.filter((k) => key in k.options).map((k) => k.name)
          assert.ok(takers.includes(kind.name))
          assert.ok(problems.some((p) => p.startsWith(`replicas.${key}: applies to ${takers.slice(0, -1).join(', ')}`) && p.endsWith(`${takers.at(-1)} replicas only; replicas.kind is ${other.name}`)), problems.join('\n'))
        }
      }
    })

    test('what check() finds comes back as problems of the file, with their paths', () => {
      const problems = kind.check({...replicasOf({kind: kind.name, ...kind.example}), ...Object.fromEntries(Object.keys(kind.options).map((k) => [k, undefined]))})
      const file = problemsOf({kind: kind.name})
      for (const p of problems) assert.ok(file.includes(`${p.path}: ${p.message}`), `${p.path}: ${p.message} not in\n${file.join('\n')}`)
    })
  })
}
