// The certificate a balancer that terminates TLS (balancer.tls) serves, as files in the run's folder:
// a self-signed one made for the run, or the scenario's own (relative to the scenario file) used where it
// is. HAProxy wants the certificate and its key in one file, so that one is always written here.

import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import type {TlsSpec} from '../model/scenario.js'
import type {TlsFiles} from './balancer.js'
import {selfSignedCertificate} from './self-signed.js'

export function prepareTlsFiles(tls: TlsSpec, scenarioFile: string, runDir: string): TlsFiles {
  const dir = join(runDir, 'tls')
  mkdirSync(dir, {recursive: true, mode: 0o700})
  let cert: string
  let key: string
  if ('cert' in tls) {
    cert = resolve(dirname(scenarioFile), tls.cert)
    key = resolve(dirname(scenarioFile), tls.key)
  } else {
    const made = selfSignedCertificate()
    cert = join(dir, 'cert.pem')
    key = join(dir, 'key.pem')
    writeFileSync(cert, made.cert, {mode: 0o600})
    writeFileSync(key, made.key, {mode: 0o600})
  }
  const certPem = readFileSync(cert, 'utf8')
  const combined = join(dir, 'cert-and-key.pem')
  writeFileSync(combined, `${certPem.trimEnd()}\n${readFileSync(key, 'utf8').trimEnd()}\n`, {mode: 0o600})
  return {cert, key, combined, certPem}
}
