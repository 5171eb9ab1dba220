// A second's failed requests, counted as the report counts them: connect errors, resets, timeouts,
// requests lost on a connection the server closed, and answers outside 200–299. The live progress line
// uses it, so that its count and the report's `failed` are the same thing.

import type {Sample} from '../model/generator-messages.js'

const isOk = (code: string): boolean => Number(code) >= 200 && Number(code) < 300

export function failedIn(s: Sample): number {
  let non2xx = 0
  for (const [code, n] of Object.entries(s.status)) if (!isOk(code)) non2xx += n
  return s.errors.connect + s.errors.reset + s.errors.timeout + (s.lost ?? 0) + non2xx
}
