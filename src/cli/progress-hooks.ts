// The run's hooks wired to the live progress line on stderr: the same for `lbbench run` and for every
// run of `lbbench compare`.

import type {Progress} from './progress.js'
import type {RunHooks} from '../run/context.js'

export function progressHooks(progress: Progress, extra: Partial<RunHooks> = {}): RunHooks {
  return {
    log: (line) => progress.note(line),
    onEvent: (line) => progress.note(line),
    onSample: (sample, live) =>
      progress.update({
        phase: live.phase,
        elapsedMs: live.elapsedMs,
        totalMs: live.totalMs,
        rps: sample.completed,
        errors: sample.errors.connect + sample.errors.reset + sample.errors.timeout,
        backendsUp: live.backendsUp,
        backendsTotal: live.backendsTotal,
      }),
    ...extra,
  }
}
