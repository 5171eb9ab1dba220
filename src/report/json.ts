// The JSON report v1, pretty-printed: the file other tools read (schema/report.schema.json describes it).

import type {Report} from '../model/report.js'
import type {Comparison} from './comparison.js'

export function renderJson(doc: Report | Comparison): string {
  return JSON.stringify(doc, null, 2) + '\n'
}
