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

/** A problem with a placeholder: the request field it is in (`path`, `headers.NAME`, `body`) and where in its text. */
export interface PlaceholderProblem {
  field: string[]
  offset: number
  message: string
}

/** What is wrong with a request's placeholders, for scenario validation; [] when nothing is. */
export function keyPlaceholderProblems(r: RequestSpec): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = []
  let size: number | undefined
  const fields: Array<[string[], string]> = [[['path'], r.path], ...Object.entries(r.headers).map(([k, v]): [string[], string] => [['headers', k], v])]
  for (const [field, text] of fields) {
    for (const m of text.matchAll(PLACEHOLDER)) {
      const n = Number(m[1])
      const problem = (message: string) => problems.push({field, offset: m.index, message})
      if (n < 1 || n > MAX_KEYS) problem(`${m[0]}: the number of keys must be from 1 to ${MAX_KEYS}`)
      else if (size === undefined) size = n
      else if (n !== size) problem(`the placeholders of one request must all be the same size (one key per request); found {{n:${size}}} and ${m[0]}`)
    }
  }
  // The body is sent as written: a placeholder there would reach the backend as the text {{n:…}}.
  for (const m of (r.body ?? '').matchAll(PLACEHOLDER)) {
    problems.push({field: ['body'], offset: m.index, message: `${m[0]} is not replaced in a body: placeholders work in the path and header values`})
  }
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
