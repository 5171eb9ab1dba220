// What `lbbench validate` does apart from parsing its flags: load each scenario file and print "ok: …"
// with what it would run, or every problem as file:line:col; the exit code is the problem's (2).

import type {Command} from '@oclif/core'
import {ScenarioError} from '../model/errors.js'
import {describeScenario} from '../scenario/describe.js'
import {loadScenario} from '../scenario/load.js'

/** 0 when every file is valid, else the exit code of the last file with a problem. */
export async function validateCommand(files: string[], o: {resolved: boolean}, out: Pick<Command, 'log' | 'logToStderr'>): Promise<number> {
  let exitCode = 0
  for (const file of files) {
    try {
      const loaded = await loadScenario(file)
      out.log(`ok: ${file} (${describeScenario(loaded.scenario)})`)
      if (o.resolved) out.log(JSON.stringify(loaded, null, 2))
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error
      out.logToStderr(error.message)
      exitCode = error.exitCode
    }
  }
  return exitCode
}
