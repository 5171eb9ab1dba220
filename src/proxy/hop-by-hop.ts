// Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection, so a proxy never forwards them
// either way as received, nor the fields a Connection header names. Shared by the engines that copy
// headers themselves (undici, lean).

/** Hop-by-hop fields (RFC 9110 §7.6.1), lowercase: never forwarded either way as received. */
export const hopByHop: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization'])

/** The field names a Connection header lists besides keep-alive and close (they are hop-by-hop too), lowercased. */
export function connectionTokens(value: string, into: Set<string> | undefined): {names: Set<string> | undefined; close: boolean; keepAlive: boolean} {
  // What Node and nginx backends send on every response: no split, no case change.
  if (value === 'keep-alive') return {names: into, close: false, keepAlive: true}
  if (value === 'close') return {names: into, close: true, keepAlive: false}
  let close = false
  let keepAlive = false
  let names = into
  // Mostly a single token: no split then.
  for (const t of value.includes(',') ? value.split(',') : [value]) {
    const n = t.trim().toLowerCase()
    if (n === 'close') close = true
    else if (n === 'keep-alive') keepAlive = true
    else if (n) (names ??= new Set()).add(n)
  }
  return {names, close, keepAlive}
}
