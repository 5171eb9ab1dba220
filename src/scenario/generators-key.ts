// `load.generators`: how many generator processes share the load, as a number (processes on this
// machine, as always), or as `{count, on}`, where `on: swarm` runs them as the shards of a Docker Swarm
// job. Its own file, beside the load schema, to keep that one readable.

import {z} from 'zod'
import {describeValue} from './issues.js'

/** The key, with `most` the most generators (or shards) a scenario may ask for. */
export function generatorsKey(most: number) {
  const count = z.number().int().min(1).max(most)
  return z
  .union(
    [
      count,
      z.strictObject({
        count: count.describe('generator processes (or shards) that share the load'),
        on: z.enum(['local', 'swarm']).default('local').describe('local: processes on this machine; swarm: the shards of a Docker Swarm replicated job'),
      }),
    ],
    {error: (iss) => `expected a whole number from 1 to ${most}, or {count: N, on: local | swarm}; got ${describeValue(iss.input)}`},
  )
  .default(1)
}
