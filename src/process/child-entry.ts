// Parts of a run (proxy, generator, replicas) are child processes started from files of this package.
// From the compiled package they are .js files in dist/; from the sources (tests, bin/dev.js) they are
// .ts files in src/ that need tsx's loader, so the child gets `--import tsx` too.

import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = fileURLToPath(import.meta.url)
const fromSources = here.endsWith('.ts')
/** The folder that holds the modules: src/ or dist/ (this file is in its process/ folder). */
const modules = join(dirname(here), '..')

/** The file and Node flags to start the module at `src/<rel>` (without extension) as a process. */
export function childEntry(rel: string): {file: string; execArgv: string[]} {
  return {
    file: join(modules, `${rel}.${fromSources ? 'ts' : 'js'}`),
    execArgv: fromSources ? ['--import', 'tsx'] : [],
  }
}

/** The package's root folder (where package.json, apps/ and scenarios/ are). */
export const packageRoot = join(modules, '..')
