// What importing a seam's registry loads, and what each kind loads when it works (fixtures/lazy-loads-child.ts
// in a fresh node with a resolve hook): the contract tests' check that kinds load their implementation lazily.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export interface LazyLoads {
  /** src/ files (relative to src/) resolved by importing the registry. */
  registry: string[]
  /** For each kind, the src/ files resolved while it worked. */
  kinds: Record<string, string[]>
}

export function lazyLoads(seam: 'balancers' | 'formats'): LazyLoads {
  const dir = mkdtempSync(join(tmpdir(), 'lbbench-import-log-'))
  try {
    const log = join(dir, 'resolved.txt')
    const child = fileURLToPath(new URL('../fixtures/lazy-loads-child.ts', import.meta.url))
    const hook = new URL('../fixtures/import-log.mjs', import.meta.url).href
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', hook, child, seam], {
      env: {...process.env, LBBENCH_IMPORT_LOG: log},
      encoding: 'utf8',
      timeout: 60_000,
    })
    if (r.status !== 0) throw new Error(`lazy-loads-child ${seam} failed (${r.status ?? r.signal}): ${r.stderr}`)
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as LazyLoads
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
