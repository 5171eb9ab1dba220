// Errors a user can cause, or that stop a run, carry their exit code (2 bad scenario or usage, 3 the run
// could not be carried out, 4 the measurement is invalid; the README's "Reports and exit codes" has the
// table) and a message meant to be read as it is: the commands print them without a stack trace.

export class LbbenchError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message)
    this.name = new.target.name
  }
}

/** A location in a scenario file, for messages like `file:7:15 load.phases.1.duration: …`. */
export interface SourcePosition {
  file: string
  line?: number
  col?: number
}

/** One problem in a scenario: where it is, which field, and what was expected. */
export interface ScenarioProblem extends SourcePosition {
  path: string
  message: string
}

export function formatProblem(p: ScenarioProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where} ${p.message}`
}

/** The last line of a scenario's problems when checks that needed a part with a problem did not run. */
export const moreMayFollow = 'fix these and validate again: checks that depend on them did not run'

/**
 * Exit 2: the scenario or the command line is wrong. `incomplete`: some checks needed a part that has a
 * problem and did not run, so fixing these may bring others to light; the message ends by saying so.
 */
export class ScenarioError extends LbbenchError {
  constructor(
    readonly problems: ScenarioProblem[],
    readonly incomplete = false,
  ) {
    const lines = problems.map(formatProblem)
    // About the file as a whole, so at its start, like every other such message: each line is file:line:col.
    if (incomplete && problems.length > 0) lines.push(formatProblem({file: problems[0].file, line: 1, col: 1, path: '', message: moreMayFollow}))
    super(lines.join('\n'), 2)
  }
}

/** Exit 2: a flag or argument is wrong. */
export class UsageError extends LbbenchError {
  constructor(message: string) {
    super(message, 2)
  }
}

/** Exit 3: the run could not be carried out (a replica never got ready, a binary is missing, …). */
export class RunError extends LbbenchError {
  constructor(message: string) {
    super(message, 3)
  }
}

/** Exit 4: the measurement is invalid (the load generator was saturated) and strictness was asked for. */
export class InvalidMeasurementError extends LbbenchError {
  constructor(message: string) {
    super(message, 4)
  }
}

/** The Debian package that provides a program, for "install it with" messages. */
export function missingProgram(program: string, debianPackage: string): RunError {
  return new RunError(`${program} was not found on PATH. Install it with: apt-get install ${debianPackage}`)
}
