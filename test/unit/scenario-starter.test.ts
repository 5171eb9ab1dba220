// The starter scenario `lbbench init` writes: it validates, and its comments list every kind each seam's
// registry has (they are read from there), on lines of at most 114 columns.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {balancerKinds} from '../../src/balancers/registry.js'
import {faultKinds} from '../../src/faults/registry.js'
import {strategyKinds} from '../../src/proxy/strategies/registry.js'
import {replicaKinds} from '../../src/replicas/registry.js'
import {parseScenarioText} from '../../src/scenario/load.js'
import {starterScenario} from '../../src/scenario/starter.js'

const text = starterScenario('starter', 'schema.json')

/** The names a comment lists after `key:`, continuation lines included. */
function listedAfter(key: string): string[] {
  const lines = text.split('\n')
  const at = lines.findIndex((l) => new RegExp(`^\\s*${key}:`).test(l))
  assert.ok(at >= 0, `no ${key}: line`)
  let comment = lines[at].slice(lines[at].indexOf('# ') + 2)
  for (let i = at + 1; /^\s+# /.test(lines[i]) && lines[i].indexOf('#') === lines[at].indexOf('#'); i++) comment += ` ${lines[i].trim().slice(2)}`
  return comment.replace(/\(.*?\)/g, '').split('|').map((s) => s.trim()).filter(Boolean)
}

test('the starter validates and lists every kind of every registry', () => {
  assert.equal(parseScenarioText(text, 'starter.yaml').scenario.name, 'starter')
  const [replicaLine, balancerLine] = text.split('\n').filter((l) => /^\s+kind:/.test(l))
  assert.ok(replicaLine.includes(replicaKinds.names.join(' | ')), replicaLine)
  assert.ok(balancerLine.includes(balancerKinds.names.join(' | ')), balancerLine)
  assert.deepEqual(listedAfter('faults'), faultKinds.names)
  const strategy = /^\s+strategy: (\S+)/m.exec(text)![1]
  assert.deepEqual([strategy, ...listedAfter('strategy')].sort(), [...strategyKinds.names].sort())
  for (const line of text.split('\n')) assert.ok(line.length <= 114, line)
})
