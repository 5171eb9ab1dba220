// `lbbench init`: where the starter goes, what it is called, and never over a file by accident.

import {writeFile} from 'node:fs/promises'
import {basename, dirname, join, relative, resolve, sep} from 'node:path'
import {packageRoot} from '../process/child-entry.js'
import {UsageError} from '../model/errors.js'
import {scenarioNamePattern} from '../scenario/schema.js'
import {starterScenario} from '../scenario/starter.js'

/** Writes the starter for `nameOrPath` (`smoke`, `smoke.yaml`, `scenarios/smoke`); returns the file written. */
export async function writeStarter(nameOrPath: string, force: boolean): Promise<string> {
  const file = /\.ya?ml$/.test(nameOrPath) ? nameOrPath : `${nameOrPath}.yaml`
  const name = basename(file).replace(/\.ya?ml$/, '')
  if (!scenarioNamePattern.test(name)) {
    throw new UsageError(`"${name}" is not a scenario name: use lowercase words joined by '-', like checkout-failover`)
  }
  // Relative, so that the line keeps working when the project moves (node_modules/lbbench/schema/… when
  // lbbench is a dependency of the project).
  const schema = join(packageRoot, 'schema', 'scenario.schema.json')
  const ref = relative(dirname(resolve(file)), schema).split(sep).join('/')
  try {
    await writeFile(file, starterScenario(name, ref), {flag: force ? 'w' : 'wx'})
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new UsageError(`${file} exists; use --force to overwrite it`)
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`cannot write ${file}: the folder ${dirname(file)} does not exist`)
    if (code === 'EISDIR') throw new UsageError(`cannot write ${file}: it is a directory`)
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`cannot write ${file}: permission denied`)
    throw e
  }
  return file
}
