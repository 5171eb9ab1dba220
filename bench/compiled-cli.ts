// lbbench as a user runs it: bin/run.js over the compiled commands in dist/, and the compiled modules
// that the in-process measurements call. Every figure is measured on them, never on the sources through
// tsx: a child started from a .ts module (proxy, generator, replicas) runs under tsx's loader too, and
// there the built-in proxy served half the requests per second it serves compiled.

import {existsSync, readdirSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

/** bin/run.js, once `npm run build` has compiled the commands it runs. */
export function compiledCli(): string {
  if (!existsSync(join(packageDir, 'dist', 'commands', 'run.js'))) throw new Error('the package is not built: run `npm run build` first')
  return join(packageDir, 'bin', 'run.js')
}

/**
 * The compiled module dist/<rel>.js, typed as its source src/<rel>.ts (`M` = `typeof import('../src/<rel>.js')`).
 * The parts of a run it starts are then compiled too (child-entry.ts picks .js beside a .js module).
 */
export async function compiled<M>(rel: string): Promise<M> {
  return (await import(pathToFileURL(compiledFile(rel)).href)) as M
}

/** The path of dist/<rel>.js, once built. */
export function compiledFile(rel: string): string {
  const file = join(packageDir, 'dist', `${rel}.js`)
  if (!existsSync(file)) throw new Error(`dist/${rel}.js is missing: run \`npm run build\` first`)
  return file
}

/** Whether some source file changed after the last build (then the compiled CLI is not what src/ says). */
export function buildIsStale(): boolean {
  const built = join(packageDir, 'dist', 'commands', 'run.js')
  if (!existsSync(built)) return true
  const builtAt = statSync(built).mtimeMs
  const newest = (dir: string): number => {
    let m = 0
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const p = join(dir, e.name)
      m = Math.max(m, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0)
    }
    return m
  }
  return newest(join(packageDir, 'src')) > builtAt
}
