// The scenario keys for testing your own stack rather than one lbbench builds: balancer.config (your own
// nginx or HAProxy configuration, as a template), balancer.tls (the balancer terminates TLS) and
// load.keepAlive (a new connection per request, or after N). Here is each key's form and what it resolves
// to; their files are read, and checked against the rest of the scenario, in own-stack.ts.

import {z} from 'zod'
import type {BalancerSpec, LoadSpec, TlsSpec} from '../model/scenario.js'
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
  .union([z.boolean(), z.strictObject({requests: z.number().int().positive().max(1_000_000)})], {
    error: (iss) => `expected true, false (a new connection per request) or {requests: N} (a new connection after N requests); got ${describeValue(iss.input)}`,
  })
  .default(true)
  .describe('false: a new connection (and TLS handshake) for every request; {requests: N}: a new connection after every N requests; the summary then gives new connections per second')

/**
 * load.keepAlive as the resolved scenario holds it: nothing when true (the hash of a file without it
 * stays), keepAlive false for a connection per request ({requests: 1} too), else keepAliveRequests.
 */
export function keepAliveResolved(k: boolean | {requests: number}): Pick<LoadSpec, 'keepAlive' | 'keepAliveRequests'> {
  if (k === true) return {}
  return k === false || k.requests === 1 ? {keepAlive: false} : {keepAliveRequests: k.requests}
}

/** balancer.config and balancer.tls as the resolved scenario holds them: absent when not given (or tls: false). */
export function ownStackBalancer(b: {config?: string; tls?: boolean | {cert: string; key: string}}): {[K in 'config' | 'tls']: BalancerSpec[K] | undefined} {
  const tls: TlsSpec | undefined = b.tls === true ? {selfSigned: true} : b.tls ? {cert: b.tls.cert, key: b.tls.key} : undefined
  return {config: b.config === undefined ? undefined : {file: b.config}, tls}
}
