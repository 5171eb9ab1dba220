// The run's hooks wired to the live progress line on stderr: the same for `lbbench run` and for every
// run of `lbbench compare`. The line counts failed requests as the report does (metrics/failed.ts), over
// the measured phases, so that its last figure and the report's agree; an unmeasured phase (a warm-up)
// shows its own failures while it runs.

import {failedIn} from '../metrics/failed.js'
import type {Sample} from '../model/generator-messages.js'
import type {Progress} from './progress.js'
import type {RunHooks} from '../run/context.js'

export function progressHooks(progress: Progress, extra: Partial<RunHooks> = {}): RunHooks {
  let measuredFailed = 0
  const unmeasuredFailed = new Map<string, number>()
  const failedSoFar = (sample: Sample): number => {
    const n = failedIn(sample)
    if (sample.measure) return (measuredFailed += n)
    const phase = (unmeasuredFailed.get(sample.phase) ?? 0) + n
    unmeasuredFailed.set(sample.phase, phase)
    return phase
  }
  return {
    log: (line) => progress.note(line),
    onEvent: (line) => progress.note(line),
    onSample: (sample, live) =>
      progress.update({
        phase: live.phase,
        elapsedMs: live.elapsedMs,
        totalMs: live.totalMs,
        rps: sample.completed,
        failed: failedSoFar(sample),
        backendsUp: live.backendsUp,
        backendsTotal: live.backendsTotal,
      }),
    onLoadEnd: () => progress.done(),
    ...extra,
  }
}
