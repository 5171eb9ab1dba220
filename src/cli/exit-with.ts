// How a command ends on an error a user can cause: the message on stderr, its exit code, no stack trace.
// Anything else is a bug and keeps its stack (oclif prints it). In cli/, not commands/: oclif takes every
// file in commands/ for a command and warns, with a stack, on each run about one that is not.

import type {Command} from '@oclif/core'
import {LbbenchError} from '../model/errors.js'

export function exitWith(cmd: Command, err: unknown): never {
  if (!(err instanceof LbbenchError)) throw err
  cmd.logToStderr(err.message)
  // Throws oclif's ExitError, which oclif turns into the exit code without printing anything.
  return cmd.exit(err.exitCode)
}
