// The entry of a shard run as a task of a Docker Swarm job (`load.generators.on: swarm`): the run's
// orchestrator gives every task the same environment, the shards' generator configs and the start
// instant (LBBENCH_SHARD), and each task takes its own by its slot in the job. Docker renders slot 0 of a
// job as the node's id instead of 0 (Docker 20.10), so anything that is not a number is slot 0. The lines
// go to stdout, which the orchestrator reads through the engine's logs; nothing else is written there.

import type {GeneratorConfig} from '../model/generator-messages.js'
import type {ShardStart} from './shard.js'
import {runShardConfig} from './shard.js'

/** What LBBENCH_SHARD holds. */
export interface SwarmShardSpec {
  configs: GeneratorConfig[]
  start: Omit<ShardStart, 'index' | 'signal'>
}

/** The shard index of a task from its {{.Task.Slot}}: a number, or slot 0 (rendered as the node id). */
export function indexOfSlot(slot: string | undefined): number {
  return slot !== undefined && /^\d+$/.test(slot) ? Number(slot) : 0
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.LBBENCH_SHARD ?? '') as SwarmShardSpec
  const index = indexOfSlot(process.env.LBBENCH_SHARD_SLOT)
  const config = spec.configs[index]
  if (!config) throw new Error(`slot ${process.env.LBBENCH_SHARD_SLOT}: no shard ${index} of ${spec.configs.length}`)
  const controller = new AbortController()
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort(`stopped by ${signal}`))
  const end = await runShardConfig(config, {...spec.start, index, signal: controller.signal}, (line) => process.stdout.write(`${JSON.stringify(line)}\n`))
  process.exitCode = end.error ? 3 : 0
}

if (process.env.LBBENCH_SHARD !== undefined) {
  main().catch((e: Error) => {
    process.stderr.write(`lbbench shard: ${e.message}\n`)
    process.exitCode = 3
  })
}
