// Reads back what `lbbench shard` wrote (model/shard.ts), one JSON object a line, as one ShardRecord.
// A shard's output often passes through a log collector (`kubectl logs`, `docker service logs`), so
// blank lines are skipped; anything else that is not a line lbbench writes is refused with file:line, for
// a merge that quietly dropped a line would no longer be exact.

import {UsageError} from '../model/errors.js'
import type {ShardHeader, ShardLine, ShardRecord} from '../model/shard.js'

const bad = (source: string, line: number, what: string) => new UsageError(`${source}:${line}: ${what}`)

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

const headerFields: Array<[keyof ShardHeader, 'number' | 'string']> = [
  ['index', 'number'],
  ['of', 'number'],
  ['scenarioHash', 'string'],
  ['seed', 'number'],
  ['startAt', 'number'],
  ['host', 'string'],
]

/** What is wrong with a line's object, or undefined. */
function lineProblem(x: Record<string, unknown>): string | undefined {
  const wrongType = (fields: Array<[string, string]>) => fields.find(([k, t]) => typeof x[k] !== t)
  switch (x.type) {
    case 'shard': {
      const w = wrongType(headerFields)
      return w ? `shard line: ${w[0]} is not a ${w[1]}` : undefined
    }
    case 'phase-start':
    case 'phase-end': {
      const w = wrongType([['phase', 'string'], ['epochMs', 'number']])
      return w ? `${String(x.type)} line: ${w[0]} is not a ${w[1]}` : undefined
    }
    case 'sample': {
      const s = x.sample
      if (!isObject(s)) return 'sample line without a sample'
      const w = [['second', 'number'], ['phase', 'string'], ['sent', 'number'], ['completed', 'number'], ['histogram', 'string']].find(([k, t]) => typeof s[k] !== t)
      if (w) return `sample: ${w[0]} is not a ${w[1]}`
      return isObject(s.status) && isObject(s.errors) && isObject(s.perBackend) ? undefined : 'sample: status, errors or perBackend is missing'
    }
    case 'end': {
      const w = wrongType([['lateMs', 'number'], ['cpuPct', 'number'], ['saturated', 'boolean']])
      return w ? `end line: ${w[0]} is not a ${w[1]}` : undefined
    }
    default:
      return `not a line lbbench shard writes (type ${JSON.stringify(x.type)})`
  }
}

/** Reads one shard's lines one at a time (a file, or a task's log as it arrives) into its record. */
export class ShardReader {
  record: ShardRecord | undefined

  constructor(private readonly source: string) {}

  /** One line (its number for messages); returns what it said, or undefined for a blank line. */
  add(text: string, lineNo: number): ShardLine | undefined {
    const raw = text.trim()
    if (raw === '') return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      throw bad(this.source, lineNo, `not JSON: ${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}`)
    }
    if (!isObject(parsed)) throw bad(this.source, lineNo, 'expected a JSON object')
    const problem = lineProblem(parsed)
    if (problem) throw bad(this.source, lineNo, problem)
    const line = parsed as unknown as ShardLine
    if (!this.record) {
      if (line.type !== 'shard') throw bad(this.source, lineNo, 'the first line must be the shard line (type "shard")')
      this.record = {source: this.source, header: line, phases: [], samples: []}
      return line
    }
    if (this.record.end) throw bad(this.source, lineNo, 'a line after the end line')
    addLine(this.record, line, () => bad(this.source, lineNo, 'a second shard line'))
    return line
  }
}

/** One shard's record from its text; `source` names it in messages (a file name). */
export function parseShard(text: string, source: string): ShardRecord {
  const reader = new ShardReader(source)
  text.split('\n').forEach((line, i) => reader.add(line, i + 1))
  if (!reader.record) throw new UsageError(`${source}: empty: no shard line`)
  return reader.record
}

function addLine(record: ShardRecord, line: ShardLine, second: () => Error): void {
  switch (line.type) {
    case 'shard':
      throw second()
    case 'phase-start':
      record.phases.push({phase: line.phase, measure: line.measure, startMs: line.epochMs, timing: line.timing})
      break
    case 'phase-end': {
      const p = record.phases.findLast((x) => x.phase === line.phase)
      if (p) p.endMs = line.epochMs
      break
    }
    case 'sample':
      record.samples.push(line.sample)
      break
    case 'end':
      record.end = line
      break
  }
}
