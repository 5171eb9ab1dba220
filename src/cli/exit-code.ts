// The exit code of `lbbench run`, decided in one place from what the run gave. The codes are a contract
// that scripts and CI gate on: 0 every threshold held, 1 a threshold failed, 2 bad scenario or usage,
// 3 the run could not be carried out, 4 an invalid measurement with --strict, 130/143 a signal.
// Order matters: a signal is the user's own stop (130/143); a part that broke is exit 3 whatever was
// measured; with --strict an invalid measurement (saturated generator) is 4 before any verdict, since a
// verdict on figures that measure the generator means nothing; then 1 for a failed threshold, a
// regression against --baseline, or an abortOnFail stop; else 0.

import type {Report} from '../model/report.js'

export interface ExitInputs {
  report: Pick<Report, 'pass'> & {meta: Pick<Report['meta'], 'aborted' | 'generator'>}
  /** 130 or 143 when a signal stopped the run. */
  signalExit?: number
  /** A part broke during the run (balancer or generator died). */
  brokeDown?: boolean
  strict: boolean
}

export function runExitCode(x: ExitInputs): number {
  if (x.signalExit !== undefined) return x.signalExit
  if (x.brokeDown) return 3
  if (x.strict && x.report.meta.generator.saturated) return 4
  if (x.report.meta.aborted || !x.report.pass) return 1
  return 0
}
