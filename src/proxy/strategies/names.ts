// The names of the built-in proxy's strategies, apart from their code: scenario validation (and so
// `lbbench validate`) needs the names without loading every strategy. registry.ts must hold the same set
// (test/unit/scenario-names.test.ts checks it once the strategy files exist).

export const strategyNames = [
  'round-robin',
  'weighted-round-robin',
  'least-connections',
  'random',
  'p2c',
  'peak-ewma',
  'ip-hash',
  'consistent-hash',
  'maglev',
] as const

export type StrategyName = (typeof strategyNames)[number]

/** Strategies that choose by a key taken from the request, so they need `balancer.hashKey`. */
export const hashStrategies: ReadonlySet<string> = new Set<StrategyName>(['ip-hash', 'consistent-hash', 'maglev'])
