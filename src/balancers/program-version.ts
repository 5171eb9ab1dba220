// Versions of external programs (`nginx -v`, `haproxy -v`), parsed and compared, so the config
// generators emit only directives the installed program has.

/** `1.22.1` from `nginx version: nginx/1.22.1` or `HAProxy version 2.6.12-1+deb12u4 …`. */
export function parseVersion(text: string): string | undefined {
  return /(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1]
}

/** True when `version` is `min` or later (missing parts count as 0). */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number)
  const b = min.split('.').map(Number)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    if (x !== y) return x > y
  }
  return true
}
