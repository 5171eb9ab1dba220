// How a child process ended, and the words every part's messages use for it ("exited with code 1",
// "killed by SIGKILL"), so that a crash reads the same whichever part it was.

export interface ProgramExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export function describeExit(exit: {code: number | null; signal: string | null}): string {
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`
}
