// --time-scale, shared by `run` and `compare`: the flag's text checked, and a loaded scenario with its
// load clock scaled (and re-hashed, since the scenario it describes changed).

import {UsageError} from '../model/errors.js'
import {scenarioHash} from '../scenario/hash.js'
import {scaleTime} from '../scenario/time-scale.js'
import type {LoadedScenario} from '../model/scenario.js'

export function parseTimeScale(text: string | undefined): number {
  if (text === undefined) return 1
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new UsageError(`--time-scale: expected a number above 0 (e.g. 0.3), got ${text}`)
  return n
}

export function withTimeScale(loaded: LoadedScenario, factor: number): LoadedScenario {
  if (factor === 1) return loaded
  const scenario = scaleTime(loaded.scenario, factor)
  return {...loaded, scenario, hash: scenarioHash(scenario)}
}
