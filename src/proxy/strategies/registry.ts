// The built-in proxy's strategies (`balancer.strategy`, `lbbench compare --strategies`), in the order
// they are listed. Scenario validation, the proxy and compare all read this list: a new strategy is its
// file and one line here.
import {registry} from '../../model/kind.js'
import {roundRobin} from './round-robin.js'
import {weightedRoundRobin} from './weighted-round-robin.js'
import {leastConnections} from './least-connections.js'
import {weightedRandom} from './random.js'
import {p2c} from './p2c.js'
import {peakEwma} from './peak-ewma.js'
import {ipHash} from './ip-hash.js'
import {consistentHash} from './consistent-hash.js'
import {maglev} from './maglev.js'

/** The strategy of a scenario that names none. */
export const defaultStrategy = 'round-robin'

export const strategyKinds = registry('strategy', [
  roundRobin,
  weightedRoundRobin,
  leastConnections,
  weightedRandom,
  p2c,
  peakEwma,
  ipHash,
  consistentHash,
  maglev,
])

