// Writes schema/scenario.schema.json from the zod schema of scenario files.
// Usage: node --import tsx scripts/generate-scenario-schema.ts
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {scenarioJsonSchemaText} from '../src/scenario/json-schema.js'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'scenario.schema.json')
mkdirSync(dirname(out), {recursive: true})
writeFileSync(out, scenarioJsonSchemaText())
console.log(`wrote ${out}`)
