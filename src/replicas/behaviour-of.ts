// What each replica is, of the scenario's replicas section: its app behaviour and its weight, with the
// overrides of that replica applied. Replica sets give it to the built-in app; the report weighs shares by it.

import type {AppBehaviour, Scenario} from '../model/scenario.js'

/** The built-in app's behaviour for one replica: the scenario's `app` with that replica's overrides. */
export function behaviourOf(s: Scenario, id: string): AppBehaviour {
  const o = s.replicas.overrides[id] ?? {}
  return {
    ...s.replicas.app,
    ...(o.latency ? {latency: o.latency} : {}),
    ...(o.cpu === undefined ? {} : {cpu: o.cpu}),
    ...(o.body === undefined ? {} : {body: o.body}),
    ...(o.errorRate === undefined ? {} : {errorRate: o.errorRate}),
  }
}

/** Each replica's weight (1 unless overridden). */
export function weightsOf(s: Scenario): Record<string, number> {
  const weights: Record<string, number> = {}
  for (let i = 1; i <= s.replicas.count; i++) weights[`r${i}`] = s.replicas.overrides[`r${i}`]?.weight ?? 1
  return weights
}
