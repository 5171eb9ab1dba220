// Many distinct request keys from one request line: `{{n:1000}}` in a request's path or header values is
// replaced, per request, by a number from 0 to 999 chosen with the scenario's seed. For the hash
// strategies (`hashKey: header:x-user` with `headers: {x-user: "user-{{n:1000}}"}`), which need many
// keys to spread evenly and to show which keys move when a backend goes.
//
// autocannon sends prebuilt requests, so the placeholder is expanded before the load starts: the request
// becomes N requests, one per number, each with 1/N of its weight, and the generator's weighted choice
// per request picks among them. Every placeholder of one request takes the same number (one key per
// request); N is at most 10,000. Text that does not match the pattern exactly is sent as written.

import type {RequestSpec} from '../../model/scenario.js'

export const MAX_KEYS = 10_000
const PLACEHOLDER = /\{\{n:(\d+)\}\}/g

/** The N of a request's placeholders, or undefined when it has none (or a malformed one). */
export function keyCount(r: RequestSpec): number | undefined {
  const texts = [r.path, ...Object.values(r.headers)]
  for (const t of texts) {
    for (const m of t.matchAll(PLACEHOLDER)) {
      const n = Number(m[1])
      if (n >= 1 && n <= MAX_KEYS) return n
    }
  }
  return undefined
}

/** What is wrong with a request's placeholders, for scenario validation; [] when nothing is. */
export function keyPlaceholderProblems(r: RequestSpec): string[] {
  const sizes = new Set<number>()
  for (const t of [r.path, ...Object.values(r.headers)]) for (const m of t.matchAll(PLACEHOLDER)) sizes.add(Number(m[1]))
  const problems: string[] = []
  for (const n of sizes) if (n < 1 || n > MAX_KEYS) problems.push(`{{n:${n}}}: the number of keys must be from 1 to ${MAX_KEYS}`)
  if (sizes.size > 1) problems.push(`the placeholders of one request must all be the same size (one key per request); found ${[...sizes].map((n) => `{{n:${n}}}`).join(', ')}`)
  return problems
}

/** The requests with every placeholder expanded; requests without one are returned as they are. */
export function expandKeys(requests: readonly RequestSpec[]): RequestSpec[] {
  return requests.flatMap((r) => {
    const n = keyCount(r)
    if (n === undefined) return [r]
    const fill = (text: string, i: number) => text.replace(PLACEHOLDER, (whole, size: string) => (Number(size) === n ? String(i) : whole))
    return Array.from({length: n}, (_, i): RequestSpec => ({
      ...r,
      path: fill(r.path, i),
      headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, fill(v, i)])),
      weight: r.weight / n,
    }))
  })
}
