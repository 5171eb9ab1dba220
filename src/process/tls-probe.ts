// One TLS handshake with a balancer before the load goes to it: which protocol and cipher it negotiates
// with a client like the load generator (Node's TLS defaults, no session to resume), for the report. It
// can also check the certificate served: against `ca` (the certificate lbbench made for the run, which
// the balancer must present, valid for 127.0.0.1), or against the system's trusted CAs (an external
// balancer at an https:// url). A certificate of the user's own given to lbbench is not checked, since
// lbbench cannot know what signed it.
import {connect} from 'node:tls'
import {RunError} from '../model/errors.js'

export interface TlsHandshake {
  /** `TLSv1.3`. */
  protocol: string
  /** `TLS_AES_256_GCM_SHA384` (the IANA name). */
  cipher: string
}

export interface ProbeOptions {
  /** The certificate must be signed by this one (PEM): the run's own. */
  ca?: string
  /** `system`: the certificate must be signed by a CA the system trusts (without `ca`); absent: not checked. */
  trust?: 'system'
  timeoutMs?: number
}

/** The handshake went through, but the certificate is not one the probe was told to trust. */
export class UntrustedCertificateError extends RunError {
  constructor(
    url: string,
    readonly reason: string,
  ) {
    super(`TLS handshake with ${url} failed: ${reason}`)
  }
}

/** What OpenSSL's and Node's verification codes mean, in words; others are given as their code. */
const REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in its chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is signed by an issuer that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is signed by an issuer that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is signed by an issuer that is not trusted',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
}

export function probeTls(url: string, opts: ProbeOptions = {}): Promise<TlsHandshake> {
  const {hostname, port} = new URL(url)
  const host = hostname.replace(/^\[(.*)\]$/, '$1')
  const checked = opts.ca !== undefined || opts.trust === 'system'
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new RunError(`TLS handshake with ${url} failed: ${why}`))
    // Verified below rather than by the connection, so that a certificate that is not trusted can be told
    // apart from a handshake that failed.
    const socket = connect({host, port: Number(port || 443), rejectUnauthorized: false, ...(opts.ca ? {ca: opts.ca} : {})})
    socket.setTimeout(opts.timeoutMs ?? 5000, () => {
      socket.destroy()
      fail('no answer within 5 s')
    })
    socket.once('secureConnect', () => {
      const cipher = socket.getCipher()
      const handshake = {protocol: socket.getProtocol() ?? 'unknown', cipher: cipher.standardName || cipher.name}
      const problem = checked && !socket.authorized ? String(socket.authorizationError) : undefined
      socket.end()
      if (problem === undefined) resolve(handshake)
      else reject(new UntrustedCertificateError(url, problem === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `its certificate is not valid for ${host}` : (REASONS[problem] ?? problem)))
    })
    socket.once('error', (e: Error) => fail(e.message))
  })
}
