// A compare subject's scenario: the scenario file with its balancer kind, strategy and mode replaced, then
// loaded exactly as `lbbench run` would load it, so that every check of validation (what each balancer
// can do, hash keys, replica kinds) applies to every combination before anything runs.

import {parseDocument} from 'yaml'
import {ScenarioError} from '../model/errors.js'
import {defaultStrategy, strategyKinds} from '../proxy/strategies/registry.js'
import {parseScenarioText} from '../scenario/load.js'
import type {LoadedScenario} from '../model/scenario.js'
import {strategyless, type CompareSubject} from './compare-subjects.js'

export type SubjectScenario = {loaded: LoadedScenario} | {problems: string[]}

/** `text` is the scenario file's text (already known to be valid as it is), `file` its name. */
export function subjectScenario(text: string, file: string, subject: CompareSubject): SubjectScenario {
  const doc = parseDocument(text)
  const strategyOf = () => (doc.getIn(['balancer', 'strategy']) as string | undefined) ?? defaultStrategy
  if (subject.balancer !== undefined) {
    doc.setIn(['balancer', 'kind'], subject.balancer)
    // These balancers take no strategy; the file's one (for the built-in proxy) does not apply to them.
    if (strategyless.has(subject.balancer)) {
      doc.deleteIn(['balancer', 'strategy'])
      doc.deleteIn(['balancer', 'hashKey'])
    }
  }
  if (subject.strategy !== undefined) {
    doc.setIn(['balancer', 'strategy'], subject.strategy)
  }
  if (subject.mode !== undefined) doc.setIn(['balancer', 'mode'], subject.mode)
  // A hash key belongs to the hash strategies: comparing hash-keys.yaml's consistent-hash with
  // round-robin drops it for round-robin rather than refusing the combination.
  if (!strategyKinds.get(strategyOf())?.needsHashKey) doc.deleteIn(['balancer', 'hashKey'])
  try {
    return {loaded: parseScenarioText(String(doc), file)}
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error
    // The positions are those of the rewritten text, not of the file: the field path says enough.
    return {problems: error.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))}
  }
}
