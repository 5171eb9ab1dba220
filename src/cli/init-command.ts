// What `lbbench init` does apart from parsing its flags: where the starter goes, what it is called, never
// over a file by accident, and how to go on from it.

import type {Command} from '@oclif/core'
import {writeFile} from 'node:fs/promises'
import {basename, dirname, join, relative, resolve, sep} from 'node:path'
import {packageRoot} from '../process/child-entry.js'
import {UsageError} from '../model/errors.js'
import {scenarioNamePattern} from '../scenario/schema.js'
import {starterScenario} from '../scenario/starter.js'

/** Writes the starter for `nameOrPath` and says how to check and run it; `bin` is the command's name. */
export async function initCommand(nameOrPath: string, o: {force: boolean; bin: string}, out: Pick<Command, 'log'>): Promise<void> {
  const file = await writeStarter(nameOrPath, o.force)
  out.log(`wrote ${file}`)
  out.log(`check it: ${o.bin} validate ${file}`)
  out.log(`run it:   ${o.bin} run ${file}`)
}

/** Writes the starter for `nameOrPath` (`smoke`, `smoke.yaml`, `scenarios/smoke`); returns the file written. */
async function writeStarter(nameOrPath: string, force: boolean): Promise<string> {
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
