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
}

export function forkModule(o: ForkOptions): ChildProcess {
  const {file, execArgv} = childEntry(o.module)
  const options = {execArgv, env: o.env, cwd: o.cwd}
  if (o.output === 'stderr') return fork(file, [], {...options, stdio: ['ignore', 2, 'inherit', 'ipc']})
  if (o.output === 'ignore') return fork(file, [], {...options, stdio: ['ignore', 'ignore', 'ignore', 'ipc']})
  mkdirSync(dirname(o.output.file), {recursive: true})
  const fd = openSync(o.output.file, 'a', 0o600)
  try {
    return fork(file, [], {...options, stdio: ['ignore', fd, fd, 'ipc']})
  } finally {
    // The child has its own copy of the descriptor now.
    closeSync(fd)
  }
}
