// The tests' scratch folders (test/helpers/temp-dir.ts) are removed when the process that made them
// exits, with what was written in them, whether it ends normally or through process.exit with a failure.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

const helper = join(import.meta.dirname, '..', 'helpers', 'temp-dir.ts')

/** Runs a child that makes two folders, writes a file in one, then ends by `ending`; returns the folders. */
function foldersOfChild(ending: string): string[] {
  const code = `const {tempDir} = await import(${JSON.stringify(helper)})
const {writeFileSync, existsSync} = await import('node:fs')
const a = tempDir('selftest'), b = tempDir('selftest')
writeFileSync(a + '/report.json', '{}')
if (!existsSync(a) || !existsSync(b)) throw new Error('not made')
console.log(JSON.stringify([a, b]))
${ending}`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {encoding: 'utf8'})
  assert.equal(r.stderr, '')
  return JSON.parse(r.stdout) as string[]
}

test('removed, with their files, when the process ends normally', () => {
  const dirs = foldersOfChild('')
  assert.equal(dirs.length, 2)
  for (const d of dirs) assert.equal(existsSync(d), false, d)
})

test('removed when the process ends through process.exit(1)', () => {
  for (const d of foldersOfChild('process.exit(1)')) assert.equal(existsSync(d), false, d)
})
