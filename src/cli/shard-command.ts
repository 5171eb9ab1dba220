// What `lbbench shard` does apart from parsing flags: load the scenario, work out where the load goes
// and when it starts, run the shard (load/shard.ts) and write its lines to stdout or --out, with a few
// words of progress on stderr. Exit 0 when the shard ran to its end, 3 when its generator failed,
// 130/143 when a signal stopped it (its lines so far are still written, ending with the end line).

import {createWriteStream, type WriteStream} from 'node:fs'
import {UsageError} from '../model/errors.js'
import type {LoadedScenario} from '../model/scenario.js'
import type {ShardLine} from '../model/shard.js'
import {checkNotTooLate, runShard} from '../load/shard.js'
import {loopbackUrlProblem} from '../process/loopback-address.js'
import {lbbenchVersion} from '../run/environment.js'
import {parseDuration} from '../scenario/duration.js'
import {loadScenario} from '../scenario/load.js'
import {onInterrupt} from './interrupt.js'

export interface ShardCommandOptions {
  file: string
  index: number
  of: number
  startAt: string
  target?: string
  out?: string
  maxLate: string
  /** No progress on stderr (a log collector that mixes stderr into stdout would corrupt the lines). */
  quiet?: boolean
}

export async function shardCommand(o: ShardCommandOptions): Promise<number> {
  const startAt = parseInstant(o.startAt, '--start-at')
  const maxLateMs = parseDuration(o.maxLate)
  const loaded = await loadScenario(o.file)
  const target = shardTarget(loaded, o.target)
  checkNotTooLate({startAt, maxLateMs}, Date.now())
  const sink = o.out === undefined ? process.stdout : createWriteStream(o.out)
  const say = (line: string) => (o.quiet ? undefined : process.stderr.write(`shard ${o.index} of ${o.of}: ${line}\n`))
  const interrupt = onInterrupt(say, 'the shard')
  try {
    const wait = startAt - Date.now()
    say(wait > 0 ? `starts at ${new Date(startAt).toISOString()} (in ${(wait / 1000).toFixed(1)} s), load to ${target}` : `load to ${target}`)
    let sent = 0
    const end = await runShard(loaded, {index: o.index, of: o.of, startAt, target, maxLateMs, lbbench: lbbenchVersion(), signal: interrupt.signal}, (line: ShardLine) => {
      if (line.type === 'sample' && line.sample.measure) sent += line.sample.sent
      sink.write(`${JSON.stringify(line)}\n`)
    })
    say(`${end.error ? `stopped: ${end.error}` : 'done'}: ${sent} measured requests sent, started ${end.lateMs} ms late, generator CPU ${end.cpuPct}%${end.saturated ? ' (saturated)' : ''}`)
    if (interrupt.exitCode() !== undefined) return interrupt.exitCode()!
    return end.error ? 3 : 0
  } finally {
    interrupt.dispose()
    if (sink !== process.stdout) await closeStream(sink as WriteStream)
  }
}

/** An ISO 8601 time or epoch ms, as epoch ms. */
export function parseInstant(text: string, flag: string): number {
  const ms = /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text)
  if (!Number.isFinite(ms)) throw new UsageError(`${flag}: expected an ISO time like 2030-01-01T12:00:00Z or epoch ms like 1893499200000; got ${JSON.stringify(text)}`)
  return ms
}

/** --target, or the scenario's external balancer: a loopback URL either way. */
export function shardTarget(loaded: LoadedScenario, flag: string | undefined): string {
  const {balancer} = loaded.scenario
  const target = flag ?? balancer.url
  if (target === undefined) {
    throw new UsageError(`--target is needed: ${loaded.file}'s balancer is ${balancer.kind}, which a shard does not start; give the URL of the running balancer, or use balancer.kind external with its url`)
  }
  const problem = loopbackUrlProblem(target, ['http:', 'https:'])
  if (problem) throw new UsageError(`--target ${problem}`)
  return target.replace(/\/$/, '')
}

function closeStream(s: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve())))
}
