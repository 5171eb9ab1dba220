// One TLS handshake with a balancer before the load goes to it: which protocol and cipher it negotiates
// with a client like the load generator (Node's TLS defaults, no session to resume), for the report. With
// `ca` (the certificate lbbench made for the run) the balancer must also present that certificate, valid
// for 127.0.0.1; a certificate of your own is not checked, since lbbench cannot know what signed it.
import {connect} from 'node:tls'
import {RunError} from '../model/errors.js'

export interface TlsHandshake {
  /** `TLSv1.3`. */
  protocol: string
  /** `TLS_AES_256_GCM_SHA384` (the IANA name). */
  cipher: string
}

export function probeTls(url: string, opts: {ca?: string; timeoutMs?: number} = {}): Promise<TlsHandshake> {
  const {hostname, port} = new URL(url)
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new RunError(`TLS handshake with ${url} failed: ${why}`))
    const socket = connect({host: hostname, port: Number(port || 443), ...(opts.ca ? {ca: opts.ca} : {rejectUnauthorized: false})})
    socket.setTimeout(opts.timeoutMs ?? 5000, () => {
      socket.destroy()
      fail('no answer within 5 s')
    })
    socket.once('secureConnect', () => {
      const cipher = socket.getCipher()
      const handshake = {protocol: socket.getProtocol() ?? 'unknown', cipher: cipher.standardName || cipher.name}
      socket.end()
      resolve(handshake)
    })
    socket.once('error', (e: Error) => fail(e.message))
  })
}
