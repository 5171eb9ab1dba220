// `balancer.hashKey` (ip | path | header:NAME), parsed once for the nginx and HAProxy generators.

export type HashKey = {kind: 'ip'} | {kind: 'path'} | {kind: 'header'; name: string}

/** A header name both nginx ($http_…) and HAProxy (hdr(…)) can name: an HTTP token without `_`. */
const headerName = /^[A-Za-z0-9][A-Za-z0-9-]*$/

/** The key, or a message saying what is expected. Absent = `path`. */
export function parseHashKey(key: string | undefined): HashKey | string {
  if (key === undefined || key === 'path') return {kind: 'path'}
  if (key === 'ip') return {kind: 'ip'}
  if (key.startsWith('header:')) {
    const name = key.slice('header:'.length)
    if (headerName.test(name)) return {kind: 'header', name: name.toLowerCase()}
    return `header name "${name}" must be letters, digits and '-'`
  }
  return `expected ip, path or header:NAME, got "${key}"`
}
