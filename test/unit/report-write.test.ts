import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {writeFileAtomic, writeReportFiles} from '../../src/report/write.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'

describe('report files', () => {
  test('atomic write: the content lands whole, no temporary file is left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbbench-write-'))
    try {
      const path = join(dir, 'sub', 'report.json')
      await writeFile(join(dir, 'keep.txt'), 'x')
      await Promise.all(Array.from({length: 8}, (_, i) => writeFileAtomic(path, `{"n": ${i}}`.padEnd(100_000, ' '))))
      assert.match(await readFile(path, 'utf8'), /^\{"n": \d\} +$/)
      assert.deepEqual(await readdir(join(dir, 'sub')), ['report.json'])
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  test('a failed rename removes the temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbbench-write-'))
    try {
      // The target is a folder that is not empty: the temporary file is written, the rename fails.
      await mkdir(join(dir, 'report.json', 'inside'), {recursive: true})
      await assert.rejects(writeFileAtomic(join(dir, 'report.json'), '{}'))
      assert.deepEqual(await readdir(dir), ['report.json'])
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  test('one file per format, terminal skipped, paths in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbbench-write-'))
    try {
      const paths = await writeReportFiles(sampleReport(), dir, ['json', 'terminal', 'markdown', 'html', 'junit'])
      assert.deepEqual(paths, ['report.json', 'report.md', 'report.html', 'report.junit.xml'].map((f) => join(dir, f)))
      assert.deepEqual((await readdir(dir)).sort(), ['report.html', 'report.json', 'report.junit.xml', 'report.md'])
      assert.deepEqual(JSON.parse(await readFile(paths[0], 'utf8')), JSON.parse(JSON.stringify(sampleReport())))
      const comparison = await writeReportFiles(sampleComparison(), dir, ['markdown', 'json'])
      assert.deepEqual(comparison, [join(dir, 'comparison.md'), join(dir, 'comparison.json')])
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
