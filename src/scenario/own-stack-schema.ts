// The scenario keys for testing your own stack rather than one lbbench builds: balancer.config (your own
// nginx or HAProxy configuration, as a template), balancer.tls (the balancer terminates TLS) and
// load.keepAlive (a new connection per request). Here is each key's form and what it resolves to; their
// files are read, and checked against the rest of the scenario, in own-stack.ts.

import {z} from 'zod'
import type {BalancerSpec, TlsSpec} from '../model/scenario.js'
import {describeValue} from './issues.js'

export const ownConfigKey = z
  .string()
  .min(1)
  .describe('nginx, haproxy: your own configuration as a template with {{listen}} and {{servers}}, relative to the scenario file')

export const tlsKey = z
  .union([z.boolean(), z.strictObject({cert: z.string().min(1), key: z.string().min(1)})], {
    error: (iss) => `expected true (a self-signed certificate made for the run) or {cert: ./cert.pem, key: ./key.pem}; got ${describeValue(iss.input)}`,
  })
  .describe('the balancer terminates TLS: true (a self-signed certificate for 127.0.0.1 and localhost, made for the run) or {cert, key} (PEM files, relative to the scenario file)')

export const keepAliveKey = z
  .boolean()
  .default(true)
  .describe('false: a new connection (and TLS handshake) for every request; the summary then gives new connections per second')

/** balancer.config and balancer.tls as the resolved scenario holds them: absent when not given (or tls: false). */
export function ownStackBalancer(b: {config?: string; tls?: boolean | {cert: string; key: string}}): {[K in 'config' | 'tls']: BalancerSpec[K] | undefined} {
  const tls: TlsSpec | undefined = b.tls === true ? {selfSigned: true} : b.tls ? {cert: b.tls.cert, key: b.tls.key} : undefined
  return {config: b.config === undefined ? undefined : {file: b.config}, tls}
}
