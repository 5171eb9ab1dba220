// The part of validation that reads files beside the scenario: your own nginx/HAProxy configuration
// (balancer.config) and your certificate (balancer.tls: {cert, key}), both relative to the scenario
// file. A kind that cannot take the key, a file that cannot be read, a template without its placeholders,
// a certificate and key that do not belong together, and a scenario that says otherwise than its
// configuration file are all problems of the scenario (exit 2), found before anything starts. What the
// file says fills in the resolved scenario: how it balances (balancer.config.balancing) and, where the
// scenario has a name for it, balancer.strategy and hashKey.

import {createPrivateKey, X509Certificate} from 'node:crypto'
import {readFileSync, statSync} from 'node:fs'
import type {BalancerKind} from '../balancers/balancer-kind.js'
import {besideScenario, placeholderProblems} from '../balancers/own-config.js'
import {balancerKinds} from '../balancers/registry.js'
import type {ScenarioProblem} from '../model/errors.js'
import type {BalancerSpec, Scenario} from '../model/scenario.js'
import {strategyKinds} from '../proxy/strategies/registry.js'
import type {PathKey, PathProblem} from './issues.js'

/** Problems at a scenario field (placed by the caller), and problems on a line of another file (the template). */
export interface OwnStackProblems {
  fields: PathProblem[]
  lines: ScenarioProblem[]
}

const kindsWith = (has: (k: BalancerKind) => unknown): string => balancerKinds.all.filter(has).map((k) => k.name).join(', ')

/** `scenario` with what its files say, or the problems they have. `given`: whether the scenario file has the key at `path`. */
export function resolveOwnStack(scenario: Scenario, scenarioFile: string, given: (path: PathKey[]) => boolean): {scenario: Scenario} | OwnStackProblems {
  const problems: OwnStackProblems = {fields: [], lines: []}
  const b = scenario.balancer
  const kind = balancerKinds.get(b.kind)
  let balancer = b
  if (b.config) {
    if (!kind?.ownConfig) {
      problems.fields.push({path: ['balancer', 'config'], atKey: true, message: `applies to ${kindsWith((k) => k.ownConfig)} only (your own configuration for them); balancer.kind is ${b.kind}`})
    } else {
      balancer = withOwnConfig(b, kind, scenarioFile, given, problems)
    }
  }
  if (b.tls) {
    if (!kind?.terminatesTls) {
      problems.fields.push({path: ['balancer', 'tls'], atKey: true, message: `applies to ${kindsWith((k) => k.terminatesTls)} (the balancer terminates TLS); balancer.kind is ${b.kind}`})
    } else if ('cert' in b.tls) {
      problems.fields.push(...certificateProblems(scenarioFile, b.tls))
    }
  }
  if (problems.fields.length > 0 || problems.lines.length > 0) return problems
  return {scenario: {...scenario, balancer}}
}

/** The balancer with what its configuration file says, or `b` as it was with the file's problems added to `problems`. */
function withOwnConfig(b: BalancerSpec, kind: BalancerKind, scenarioFile: string, given: (path: PathKey[]) => boolean, problems: OwnStackProblems): BalancerSpec {
  const file = besideScenario(scenarioFile, b.config!.file)
  const text = readText(file)
  if (typeof text !== 'string') {
    problems.fields.push({path: ['balancer', 'config'], message: `${text.problem} (${file})`})
    return b
  }
  const reading = kind.ownConfig!.read(text, {balancer: b, given: (key) => given(['balancer', ...key.split('.')])})
  for (const p of [...placeholderProblems(text), ...reading.problems]) {
    if (p.line !== undefined) problems.lines.push({file, line: p.line, col: 1, path: '', message: p.message})
    else problems.fields.push({path: p.path.split('.'), message: p.message})
  }
  const resolved: BalancerSpec = {...b, config: {file: b.config!.file, balancing: reading.balancing}}
  if (reading.strategy) {
    resolved.strategy = reading.strategy
    const hashKey = reading.hashKey ?? strategyKinds.get(reading.strategy)?.defaultHashKey
    if (hashKey === undefined) delete resolved.hashKey
    else resolved.hashKey = hashKey
  }
  return resolved
}

/** A regular UTF-8 text file's contents, or why it cannot be read. */
function readText(file: string): string | {problem: string} {
  try {
    if (statSync(file).isDirectory()) return {problem: 'is a directory, not a file'}
    return new TextDecoder('utf-8', {fatal: true}).decode(readFileSync(file))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return {problem: 'cannot be read: no such file'}
    if (code === 'EACCES' || code === 'EPERM') return {problem: 'cannot be read: permission denied'}
    if (code === undefined) return {problem: 'is not UTF-8 text'}
    return {problem: `cannot be read (${code})`}
  }
}

/** The certificate and key are PEM files that belong together. */
function certificateProblems(scenarioFile: string, tls: {cert: string; key: string}): PathProblem[] {
  const certFile = besideScenario(scenarioFile, tls.cert)
  const keyFile = besideScenario(scenarioFile, tls.key)
  const certText = readText(certFile)
  const keyText = readText(keyFile)
  const problems: PathProblem[] = []
  let cert: X509Certificate | undefined
  if (typeof certText !== 'string') problems.push({path: ['balancer', 'tls', 'cert'], message: `${certText.problem} (${certFile})`})
  else {
    try {
      cert = new X509Certificate(certText)
    } catch {
      problems.push({path: ['balancer', 'tls', 'cert'], message: `is not a PEM certificate (-----BEGIN CERTIFICATE-----) (${certFile})`})
    }
  }
  if (typeof keyText !== 'string') problems.push({path: ['balancer', 'tls', 'key'], message: `${keyText.problem} (${keyFile})`})
  else {
    try {
      const key = createPrivateKey(keyText)
      if (cert && !cert.checkPrivateKey(key)) problems.push({path: ['balancer', 'tls', 'key'], message: `is not the key of the certificate ${certFile} (${keyFile})`})
    } catch {
      problems.push({path: ['balancer', 'tls', 'key'], message: `is not a PEM private key without a passphrase (${keyFile})`})
    }
  }
  return problems
}
