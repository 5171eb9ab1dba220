// What `lbbench plan --kubernetes` does apart from parsing flags: check that the scenario's load can be
// split into the shards asked for and that it has somewhere to go, set the start instant a lead time
// ahead (or take the one given, which makes the output reproducible), and print the manifest with the
// commands that collect and merge the shards (load/kubernetes-plan.ts).

import {readFile} from 'node:fs/promises'
import {UsageError} from '../model/errors.js'
import {kubernetesPlan} from '../load/kubernetes-plan.js'
import {shardConfig} from '../load/shard.js'
import {lbbenchVersion} from '../run/environment.js'
import {parseDuration} from '../scenario/duration.js'
import {loadScenario} from '../scenario/load.js'
import {parseInstant, shardTarget} from './shard-command.js'

export interface PlanCommandOptions {
  file: string
  kubernetes: boolean
  shards?: number
  image?: string
  lead: string
  startAt?: string
  target?: string
}

/** The image a plan names unless --image says otherwise (what `load.generators.on: swarm` builds). */
export const defaultImage = (): string => `lbbench:${lbbenchVersion()}`

export async function planCommand(o: PlanCommandOptions, now = Date.now()): Promise<string> {
  if (!o.kubernetes) throw new UsageError('say what to plan for: --kubernetes (the only engine lbbench plans for; Swarm runs with load.generators.on: swarm)')
  const leadMs = parseDuration(o.lead)
  if (leadMs <= 0) throw new UsageError(`--lead: must be longer than 0; got ${o.lead}`)
  const loaded = await loadScenario(o.file)
  const shards = o.shards ?? loaded.scenario.load.generators
  const target = shardTarget(loaded, o.target)
  shardConfig(loaded, {index: 0, of: shards, target})
  // A whole second, so that the instant reads well in the manifest and the logs.
  const startAt = o.startAt === undefined ? Math.ceil((now + leadMs) / 1000) * 1000 : parseInstant(o.startAt, '--start-at')
  if (startAt <= now) throw new UsageError(`--start-at ${new Date(startAt).toISOString()} is already past: the shards would start late; leave it out to start --lead from now`)
  return kubernetesPlan({
    name: loaded.scenario.name,
    scenarioFile: o.file,
    loadMs: loaded.scenario.load.phases.reduce((n, ph) => n + ph.duration, 0),
    scenarioText: await readFile(o.file, 'utf8'),
    shards,
    image: o.image ?? defaultImage(),
    startAt,
    leadMs,
    ...(o.target ? {target} : {}),
  })
}
