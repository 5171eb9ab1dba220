// One GET on 127.0.0.1, the readiness probe of every part that answers HTTP (replicas, nginx, HAProxy),
// and the wait until something answers at all. Each caller decides what counts as ready (a balancer
// answering 502 is up; a replica must answer 2xx/3xx) and words its own reasons for "not yet".
import {request, type OutgoingHttpHeaders} from 'node:http'
import {request as tlsRequest} from 'node:https'

export interface HttpTarget {
  host?: string
  port: number
  path: string
  /** HTTPS (a balancer that terminates TLS). Readiness only: the certificate is not checked here. */
  tls?: boolean
}

/** What one GET got: a status, no answer within the time, or a connection error. */
export type HttpAnswer = {status: number} | {timedOut: true} | {error: NodeJS.ErrnoException}

export function probeHttp(target: HttpTarget, timeoutMs: number, headers: OutgoingHttpHeaders = {}): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const {host = '127.0.0.1', port, path} = target
    const send = target.tls ? tlsRequest : request
    const req = send({host, port, path, method: 'GET', agent: false, timeout: timeoutMs, headers, ...(target.tls ? {rejectUnauthorized: false} : {})}, (res) => {
      res.resume()
      resolve({status: res.statusCode ?? 0})
    })
    req.once('timeout', () => {
      resolve({timedOut: true})
      req.destroy()
    })
    req.once('error', (error: NodeJS.ErrnoException) => resolve({error}))
    req.end()
  })
}

/** True for a 2xx or 3xx answer: what a replica's readiness path must give. */
export function answeredOk(answer: HttpAnswer): boolean {
  return 'status' in answer && answer.status >= 200 && answer.status < 400
}

/**
 * True once `url` answers (any status); false when `timeoutMs` passed or `gaveUp()` says to stop. The
 * probe carries `x-lbbench-probe: ready`, so that a balancer can leave it out of its counts.
 */
export async function waitForHttp(url: string, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const {protocol, hostname, port, pathname, search} = new URL(url)
  const tls = protocol === 'https:'
  // An IPv6 host comes in brackets ([::1]); a request takes it without.
  const target = {host: hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(port || (tls ? 443 : 80)), path: `${pathname}${search}`, tls}
  const until = Date.now() + timeoutMs
  while (Date.now() < until && !gaveUp()) {
    if ('status' in (await probeHttp(target, 1000, {'x-lbbench-probe': 'ready'}))) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}
