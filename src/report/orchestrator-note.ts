// The line under a failover row that says what an orchestrator did (Swarm's replacement task, a rolling
// update's length): kept apart from the terminal renderer so that other formats can print the same words.
import type {Report} from '../model/report.js'
import {duration} from './format.js'

/** What the orchestrator did, for rows that have it: a replacement task's times, a rolling update's length. */
export function orchestratorNote(f: Report['failover'][number]): string[] {
  if (f.replacement) {
    const {dieMs, startMs, servingMs} = f.replacement
    return [`${f.fault} ${f.target}: task died +${duration(dieMs)}, replacement task started +${duration(startMs)}, serving +${duration(servingMs)} (engine events)`]
  }
  if (f.durationMs !== undefined) {
    const out = f.longestOutMs == null ? '' : `; longest a slot was out: ${duration(f.longestOutMs)} (${f.longestOutTarget})`
    return [`${f.fault}: took ${duration(f.durationMs)}${out}`]
  }
  return []
}
