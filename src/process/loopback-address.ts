// Addresses of a system lbbench did not start, as a scenario writes them: `127.0.0.1:9001`, `[::1]:9001`,
// and URLs like `http://127.0.0.1:8080`. lbbench sends traffic to loopback only (127.0.0.0/8 and ::1), so
// every address a file names is checked here before anything is sent to it. Names (localhost) are refused
// rather than resolved: what the file says is exactly what is reached.
import {isIPv4, isIPv6} from 'node:net'

export interface LoopbackAddress {
  /** `127.0.0.1`, or `::1` without brackets. */
  host: string
  port: number
}

const example = 'like 127.0.0.1:9001 or [::1]:9001'

/** Why `host` (an IP without brackets, or a name) is not a loopback address lbbench may talk to; undefined when it is. */
export function loopbackHostProblem(host: string): string | undefined {
  if (isIPv4(host)) return host.startsWith('127.') ? undefined : `${host} is not a loopback address: lbbench sends traffic only to 127.0.0.0/8 and [::1]`
  if (isIPv6(host)) return new URL(`http://[${host}]`).hostname === '[::1]' ? undefined : `[${host}] is not a loopback address: lbbench sends traffic only to 127.0.0.0/8 and [::1]`
  return `${host} is a name: write an address, like 127.0.0.1 (lbbench sends traffic only to loopback addresses, and does not resolve names)`
}

/** `127.0.0.1:9001` or `[::1]:9001` as host and port, or what is wrong with it. */
export function parseLoopbackAddress(text: string): LoopbackAddress | {error: string} {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]+)):(\d+)$/.exec(text)
  if (!m) return {error: `expected an address with a port, ${example}; got ${JSON.stringify(text)}`}
  const host = m[1] ?? m[2]
  const port = Number(m[3])
  if (m[1] !== undefined && !isIPv6(host)) return {error: `[${host}] is not an IPv6 address; expected an address ${example}`}
  const problem = loopbackHostProblem(host)
  if (problem) return {error: problem}
  if (!(port >= 1 && port <= 65535)) return {error: `the port must be from 1 to 65535; got ${m[3]}`}
  return {host: m[1] !== undefined ? new URL(`http://[${host}]`).hostname.slice(1, -1) : host, port}
}

/** `127.0.0.1:9001`, `[::1]:9001`: as a header or a message names the address. */
export function formatAddress(a: LoopbackAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`
}

/** `http://` + the address, with brackets for IPv6. */
export function httpUrl(a: LoopbackAddress): string {
  return `http://${formatAddress(a)}`
}

/** A base URL on a loopback address (scheme, address and port, nothing after): what is wrong with it, or undefined. */
export function loopbackUrlProblem(text: string, schemes: readonly string[]): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return `expected a URL like http://127.0.0.1:8080; got ${JSON.stringify(text)}`
  }
  if (!schemes.includes(url.protocol)) return `expected a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}; got ${JSON.stringify(text)}`
  const hostProblem = loopbackHostProblem(url.hostname.replace(/^\[(.*)\]$/, '$1'))
  if (hostProblem) return hostProblem
  if (url.username || url.password) return 'must not carry a user or password'
  if (url.pathname !== '/' || url.search || url.hash) {
    return `give the address only, like ${url.protocol}//${url.host}: the paths the load requests are load.requests' own`
  }
  return undefined
}
