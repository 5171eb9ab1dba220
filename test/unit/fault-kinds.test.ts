// The contract every fault action keeps, checked for each one in the registry: its fields agree with
// each other, a scenario using it validates, what it says of failover is usable. A new action is tested
// here the day it is listed, with no name to add.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {stringify} from 'yaml'
import {describeTimed, faultFields, type FaultField} from '../../src/faults/action.js'
import {failoverOf, faultKinds} from '../../src/faults/registry.js'
import {faultWindows} from '../../src/metrics/failover.js'
import {ScenarioError} from '../../src/model/errors.js'
import type {FaultSpec} from '../../src/model/scenario.js'
import {parseScenarioText} from '../../src/scenario/load.js'

/** A value of each field as a file writes it, and as the resolved scenario holds it. */
const samples: Record<FaultField, {file: unknown; resolved: unknown}> = {
  target: {file: 'r2', resolved: ['r2']},
  for: {file: '1s', resolved: 1000},
  latency: {file: '200ms', resolved: 200},
  status: {file: 502, resolved: 502},
  rate: {file: '50%', resolved: 0.5},
  command: {file: 'true', resolved: 'true'},
  replicas: {file: 4, resolved: 4},
}

/** Timeline events that end a fault besides fault actions (run/start-replicas.ts emits it when a replica is back). */
const enderEvents = ['replica-ready']

function faultOf(action: string, fields: readonly FaultField[]): FaultSpec {
  const fault = {at: '1s', action, ...Object.fromEntries(fields.map((f) => [f, samples[f].file]))}
  // An action on an orchestrator's service is checked with replicas of the first kind that can do it.
  const kind = faultKinds.get(action)?.replicaKinds?.[0]
  const text = stringify({name: 'a', replicas: {count: 3, ...(kind ? {kind} : {})}, faults: [fault]})
  return parseScenarioText(text, 's.yaml').scenario.faults[0]
}

function problemsOf(action: string, fields: readonly FaultField[]): string[] {
  try {
    faultOf(action, fields)
    return []
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e))
    return e.problems.map((p) => `${p.path}: ${p.message}`)
  }
}

describe('the fault action registry', () => {
  test('names are unique and every action is found under its own name', () => {
    assert.ok(faultKinds.all.length > 0)
    assert.equal(new Set(faultKinds.names).size, faultKinds.names.length)
    for (const k of faultKinds.all) assert.equal(faultKinds.get(k.name), k)
  })
})

for (const kind of faultKinds.all) {
  describe(`fault action ${kind.name}`, () => {
    test('says what it is in one line, and its fields agree with each other', () => {
      assert.match(kind.summary, /^\S.*\S$/)
      assert.equal(typeof kind.apply, 'function')
      for (const f of [...kind.accepts, ...kind.requires]) assert.ok(faultFields.includes(f), `unknown field ${f}`)
      for (const f of kind.requires) assert.ok(kind.accepts.includes(f), `requires ${f} but does not accept it`)
      assert.equal(kind.accepts.includes('target'), kind.needsTarget, 'needsTarget ⇔ target accepted')
      assert.equal(kind.requires.includes('target'), kind.needsTarget, 'needsTarget ⇔ target required')
      for (const f of Object.keys(kind.defaults ?? {})) assert.ok(kind.accepts.includes(f as FaultField), `a default for ${f}, which it does not take`)
      for (const f of Object.keys(kind.why ?? {})) assert.ok(kind.requires.includes(f as FaultField), `says why ${f} is needed, but does not require it`)
    })

    test('a scenario with it and its required fields validates, with its defaults filled in', () => {
      const fault = faultOf(kind.name, kind.requires)
      assert.equal(fault.action, kind.name)
      for (const f of kind.requires) assert.deepEqual(fault[f], samples[f].resolved, f)
      for (const [f, v] of Object.entries(kind.defaults ?? {})) assert.deepEqual(fault[f as FaultField], v, `default ${f}`)
      assert.deepEqual(faultOf(kind.name, kind.accepts).action, kind.name, 'with every field it accepts')
    })

    test('a required field left out, or a field it does not take, is a problem that names the field', () => {
      for (const f of kind.requires) {
        const problems = problemsOf(kind.name, kind.requires.filter((r) => r !== f))
        assert.ok(problems.some((p) => p.startsWith(`faults.0.${f}: is missing; `)), problems.join('\n'))
      }
      for (const f of faultFields.filter((x) => !kind.accepts.includes(x))) {
        const problems = problemsOf(kind.name, [...kind.requires, f])
        assert.ok(problems.includes(`faults.0.${f}: does not apply to ${kind.name}; ${kind.name} takes ${['at', 'action', ...kind.accepts].join(', ')}`), problems.join('\n'))
      }
    })

    test('the timeline names it first (the failover analysis finds an ending fault by it), then its `for`', () => {
      const fault = faultOf(kind.name, kind.accepts)
      const detail = kind.describe?.(fault) ?? describeTimed(fault)
      assert.equal(detail.split(/[ :]/)[0], kind.name, detail)
      if (kind.accepts.includes('for')) assert.ok(detail.endsWith(' for 1s'), detail)
      assert.doesNotMatch(detail, /undefined|NaN/)
    })

    test('an action that stops its target acts on replicas', () => {
      if (kind.stopsTarget) assert.ok(kind.needsTarget)
    })

    test('failover: a breaking action gets a window, ended by what it names; the others get none', () => {
      assert.equal(failoverOf(kind.name), kind.failover)
      const {breaksTarget, endedBy} = kind.failover
      for (const e of endedBy) assert.ok(faultKinds.names.includes(e) || enderEvents.includes(e), `ended by ${e}, which is no action or event`)
      const applied = [{action: kind.name, target: 'r2', atMs: 1000}]
      if (!breaksTarget) {
        assert.deepEqual(endedBy, [], 'a fault that breaks nothing has nothing to end')
        assert.deepEqual(faultWindows(applied, [], failoverOf), [])
        return
      }
      assert.ok(kind.needsTarget, 'a breaking action acts on a target')
      assert.deepEqual(faultWindows(applied, [], failoverOf), [{...applied[0], endMs: undefined}])
      for (const ender of endedBy) {
        const timeline = [
          faultKinds.names.includes(ender)
            ? {atMs: 2500, kind: 'fault', target: 'r2', detail: ender}
            : {atMs: 2500, kind: ender, target: 'r2', detail: ''},
        ]
        assert.equal(faultWindows(applied, timeline, failoverOf)[0].endMs, 2500, `ended by ${ender}`)
      }
    })
  })
}
