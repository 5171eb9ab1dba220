// Strategies of the built-in proxy by name (`balancer.strategy`).
import type {StrategyDefinition} from './strategy.js'
import {roundRobin} from './round-robin.js'
import {weightedRoundRobin} from './weighted-round-robin.js'
import {leastConnections} from './least-connections.js'
import {weightedRandom} from './random.js'
import {p2c} from './p2c.js'
import {peakEwma} from './peak-ewma.js'
import {ipHash} from './ip-hash.js'
import {consistentHash} from './consistent-hash.js'
import {maglev} from './maglev.js'

export const strategies: Record<string, StrategyDefinition> = Object.fromEntries(
  [roundRobin, weightedRoundRobin, leastConnections, weightedRandom, p2c, peakEwma, ipHash, consistentHash, maglev].map(
    (s) => [s.name, s],
  ),
)
