// The `lbbench` command as a user runs it: bin/run.js over the compiled commands in dist/. Start-up and
// the orchestrator's memory are measured on it, not on the sources through tsx (that would measure tsx).

import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

/** bin/run.js, once `npm run build` has compiled the commands it runs. */
export function compiledCli(root: string): string {
  if (!existsSync(join(root, 'dist', 'commands', 'run.js'))) throw new Error('the package is not built: run `npm run build` first')
  return join(root, 'bin', 'run.js')
}

/** Whether some source file changed after the last build (then the compiled CLI is not what src/ says). */
export function buildIsStale(root: string): boolean {
  const built = join(root, 'dist', 'commands', 'run.js')
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
  return newest(join(root, 'src')) > builtAt
}
