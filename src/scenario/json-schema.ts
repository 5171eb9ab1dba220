// The JSON Schema of scenario files, for editors (`# yaml-language-server: $schema=…`). Generated from
// the zod schema, so it cannot drift from what `lbbench validate` accepts field by field; the checks
// across fields (replica ids, fault times) only the validator does. schema/scenario.schema.json is this,
// written by scripts/generate-scenario-schema.ts; a test checks the file is up to date.

import {z} from 'zod'
import {scenarioFileSchema} from './schema.js'

export function scenarioJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a file may say (durations as text, defaults optional), not the result.
  const schema = z.toJSONSchema(scenarioFileSchema, {io: 'input', target: 'draft-7', unrepresentable: 'any'}) as Record<string, unknown>
  const {$schema, ...rest} = schema
  return {$schema, title: 'lbbench scenario (v1)', ...rest}
}

/** The file's text: stable formatting so that regenerating gives the same bytes. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`
}
