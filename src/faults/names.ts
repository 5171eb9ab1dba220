// The fault actions by name and what each accepts, apart from their code: scenario validation needs the
// rules without loading the actions. registry.ts must hold the same names (test/unit/scenario-names.test.ts).

export const faultActionNames = [
  'kill',
  'terminate',
  'pause',
  'resume',
  'restart',
  'slow',
  'fail',
  'hang',
  'heal',
  'exec',
] as const

export type FaultActionName = (typeof faultActionNames)[number]

/** The optional fields of a fault besides `at` and `action`. */
export type FaultField = 'target' | 'for' | 'latency' | 'status' | 'rate' | 'command'

export interface FaultRules {
  /** Acts on replicas, so `target` is required. */
  needsTarget: boolean
  /** Fields the action requires. */
  requires: FaultField[]
  /** Every field it accepts (a field outside this list is a mistake in the file). */
  accepts: FaultField[]
}

const onReplicas = (extra: FaultField[] = [], requires: FaultField[] = []): FaultRules => ({
  needsTarget: true,
  requires: ['target', ...requires],
  accepts: ['target', ...extra],
})

export const faultRules: Record<FaultActionName, FaultRules> = {
  kill: onReplicas(), // SIGKILL
  terminate: onReplicas(), // SIGTERM
  pause: onReplicas(['for']), // SIGSTOP / docker pause, resumed after `for`
  resume: onReplicas(),
  restart: onReplicas(),
  slow: onReplicas(['for', 'latency'], ['latency']),
  fail: onReplicas(['for', 'status', 'rate']),
  hang: onReplicas(['for']),
  heal: onReplicas(), // undoes slow, fail and hang
  exec: {needsTarget: false, requires: ['command'], accepts: ['command']},
}

/** `fail` answers with this status when the file gives none. */
export const defaultFailStatus = 503
