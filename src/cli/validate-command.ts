// What `lbbench validate` does apart from parsing its flags: load each scenario file and say "ok: …" with
// what it would run (and a note when its fairness figures will show more than the balancer's choices:
// connections that cannot split evenly, weights it does not follow, a hash of the one client address;
// balancers/fairness-notes.ts), or every problem as file:line:col; the exit code is the problem's (2).
// What a program reads goes to stdout alone, so that it parses: with --resolved the resolved scenario,
// with --json the problems; the lines meant for people then go to stderr.

import type {Command} from '@oclif/core'
import {fairnessNotes} from '../balancers/fairness-notes.js'
import {ScenarioError, type ScenarioProblem} from '../model/errors.js'
import {describeScenario} from '../scenario/describe.js'
import {loadScenario} from '../scenario/load.js'

export interface ValidateOptions {
  /** Print each resolved scenario as JSON on stdout. */
  resolved: boolean
  /** Print every problem of every file as one JSON array on stdout (`[]` when all are valid). */
  json: boolean
}

/** One problem as `validate --json` prints it; line and col are null for a problem that has no place in the file. */
export interface ProblemJson {
  file: string
  line: number | null
  col: number | null
  path: string
  message: string
}

/** 0 when every file is valid, else the exit code of the last file with a problem. */
export async function validateCommand(files: string[], o: ValidateOptions, out: Pick<Command, 'log' | 'logToStderr'>): Promise<number> {
  const forPeople = o.resolved || o.json ? out.logToStderr.bind(out) : out.log.bind(out)
  const problems: ProblemJson[] = []
  let exitCode = 0
  for (const file of files) {
    try {
      const loaded = await loadScenario(file)
      forPeople(`ok: ${file} (${describeScenario(loaded.scenario)})`)
      for (const note of fairnessNotes(loaded.scenario)) forPeople(`  note: ${note.text}`)
      if (o.resolved) out.log(JSON.stringify(loaded, null, 2))
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error
      out.logToStderr(error.message)
      problems.push(...error.problems.map(problemJson))
      exitCode = error.exitCode
    }
  }
  if (o.json) out.log(JSON.stringify(problems, null, 2))
  return exitCode
}

function problemJson(p: ScenarioProblem): ProblemJson {
  return {file: p.file, line: p.line ?? null, col: p.line === undefined ? null : (p.col ?? 1), path: p.path, message: p.message}
}
