import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync, existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {comparisonJsonSchema, comparisonSchema, reportJsonSchema, reportSchema} from '../../src/report/report-schema.js'
import {parseDocument} from '../../src/report/load-document.js'
import {renderJson} from '../../src/report/json.js'
import {UsageError} from '../../src/model/errors.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

// The shipped JSON Schemas are generated from the zod schemas; this keeps the files in step
// (UPDATE_GOLDEN=1 rewrites them).
for (const [file, make] of [['schema/report.schema.json', reportJsonSchema], ['schema/comparison.schema.json', comparisonJsonSchema]] as const) {
  test(`${file} is generated from the zod schema`, () => {
    const path = join(root, file)
    const text = JSON.stringify(make(), null, 2) + '\n'
    if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(path) && !process.env.CI)) writeFileSync(path, text)
    assert.equal(readFileSync(path, 'utf8'), text, `${file} is out of date: UPDATE_GOLDEN=1 node scripts/test.mjs report-schema`)
    const schema = JSON.parse(text)
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema')
    assert.equal(schema.type, 'object')
  })
}

describe('report schema', () => {
  test('the JSON Schema requires the stable v1 keys', () => {
    const schema = reportJsonSchema() as {required: string[]; properties: Record<string, {required?: string[]}>}
    for (const k of ['schemaVersion', 'meta', 'scenario', 'summary', 'backends', 'fairness', 'failover', 'series', 'timeline', 'thresholds', 'pass']) {
      assert.ok(schema.required.includes(k), k)
    }
    assert.deepEqual(schema.properties.summary.required?.slice().sort(), ['durationMs', 'errorRate', 'errors', 'latencyUs', 'requests', 'statusCodes', 'throughput'])
  })

  test('the sample report and comparison validate, through their JSON text too', () => {
    const r = sampleReport()
    assert.equal(reportSchema.safeParse(r).success, true)
    assert.equal(reportSchema.safeParse(JSON.parse(renderJson(r))).success, true)
    assert.equal(comparisonSchema.safeParse(JSON.parse(renderJson(sampleComparison()))).success, true)
  })

  test('keys added later are kept, not rejected', async () => {
    const r = {...sampleReport(), extra: {x: 1}}
    const doc = await parseDocument(JSON.stringify(r), 'r.json')
    assert.deepEqual((doc as unknown as {extra: unknown}).extra, {x: 1})
  })

  test('wrong documents are usage errors (exit 2) that say what is wrong', async () => {
    const {pass: _pass, ...bad} = sampleReport()
    bad.summary.requests.sent = -1
    const cases: Array<[string, RegExp]> = [
      ['{', /^x\.json: not JSON/],
      ['[]', /not an lbbench report \(expected a JSON object\)/],
      ['{"schemaVersion": 2}', /schemaVersion is 2; this lbbench reads version 1/],
      [JSON.stringify(bad), /not a valid lbbench report:\n {2}summary\.requests\.sent: Too small[^]*\n {2}pass: Invalid input/],
      ['{"schemaVersion": 1, "kind": "comparison", "subjects": []}', /not a valid lbbench comparison:\n {2}subjects: /],
    ]
    for (const [text, message] of cases) {
      await assert.rejects(parseDocument(text, 'x.json'), (e: unknown) => {
        assert.ok(e instanceof UsageError)
        assert.equal(e.exitCode, 2)
        assert.match(e.message, message)
        return true
      })
    }
  })
})
