// External programs in tests: skip only when the program is absent and CI is not set (with CI set, a
// missing program fails the test).
import {findProgram} from '../../src/process/find-program.js'

/** A node:test `skip` value: false when `name` is installed; a reason when it may be skipped. */
export function skipWithout(name: string, debianPackage = name): false | string {
  if (findProgram(name)) return false
  if (process.env.CI) return false
  return `${name} is not installed (apt-get install ${debianPackage}); set CI=1 to make this a failure`
}
