// Ctrl-C and SIGTERM for the commands that run scenarios (`run`, `compare`): the first signal aborts the
// current run, which then tears down and reports what it measured; a teardown that hangs, or a second
// signal, must not keep the user waiting, so the process exits within 5 s regardless.

const HARD_EXIT_MS = 4_500

/** The conventional exit codes of a process ended by a signal (128 + its number). */
export const SIGNAL_EXIT: Record<string, number> = {SIGINT: 130, SIGTERM: 143}

export interface Interrupt {
  /** Aborted on the first SIGINT or SIGTERM. */
  signal: AbortSignal
  /** The signal that arrived, if one did. */
  signalled(): NodeJS.Signals | undefined
  /** The exit code for the signal that arrived (130, 143), or undefined. */
  exitCode(): number | undefined
  /** Stops listening (call in a finally). */
  dispose(): void
}

/** Listens for SIGINT and SIGTERM; `note` says what is happening (to stderr, through the progress line). */
export function onInterrupt(note: (line: string) => void, what = 'the run'): Interrupt {
  const controller = new AbortController()
  let signalled: NodeJS.Signals | undefined
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return
    signalled = sig
    note(`${sig}: stopping ${what} and writing what was measured so far`)
    controller.abort(`interrupted by ${sig}`)
    setTimeout(() => process.exit(SIGNAL_EXIT[sig] ?? 1), HARD_EXIT_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    signalled: () => signalled,
    exitCode: () => (signalled ? (SIGNAL_EXIT[signalled] ?? 1) : undefined),
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
