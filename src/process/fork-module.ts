// Every process lbbench forks from its own files (the built-in proxy, the cluster primary, the load
// generator, the orphan guard) is forked here: from the compiled or the source file (child-entry.ts),
// with an IPC channel, and with its output where the run keeps it.
import {fork, type ChildProcess} from 'node:child_process'
import {closeSync, mkdirSync, openSync} from 'node:fs'
import {dirname} from 'node:path'
import {childEntry} from './child-entry.js'

export interface ForkOptions {
  /** The module to run: its path under src/ without extension, as childEntry() takes it. */
  module: string
  /**
   * Where its stdout and stderr go: appended to a file (its folder is created), discarded, or to our
   * stderr (its stdout too: our stdout belongs to `--json`).
   */
  output: {file: string} | 'ignore' | 'stderr'
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Node flags for it, after those childEntry() gives. */
  nodeFlags?: readonly string[]
}

export function forkModule(o: ForkOptions): ChildProcess {
  const {file, execArgv} = childEntry(o.module)
  let fd: number | undefined
  if (typeof o.output === 'object') {
    mkdirSync(dirname(o.output.file), {recursive: true})
    fd = openSync(o.output.file, 'a', 0o600)
  }
  const out = fd ?? (o.output === 'stderr' ? 2 : 'ignore')
  const err = fd ?? (o.output === 'stderr' ? 'inherit' : 'ignore')
  try {
    return fork(file, [], {execArgv: [...execArgv, ...(o.nodeFlags ?? [])], env: o.env, cwd: o.cwd, stdio: ['ignore', out, err, 'ipc']})
  } finally {
    // The child has its own copy of the descriptor now.
    if (fd !== undefined) closeSync(fd)
  }
}
