// What `lbbench clean` does apart from parsing its flags: remove (or with --dry-run, list) what runs
// whose orchestrator died left behind, one line per item, and a closing count.

import type {Command} from '@oclif/core'
import {cleanLeftovers} from '../run/leftovers.js'

export async function cleanCommand(o: {dryRun: boolean}, out: Pick<Command, 'log' | 'logToStderr'>): Promise<void> {
  const r = await cleanLeftovers({dryRun: o.dryRun})
  const verb = o.dryRun ? 'would remove' : 'removed'
  for (const p of r.processes) out.log(`${verb} process ${p.pid} (run ${p.runId})`)
  for (const s of r.services ?? []) out.log(`${verb} swarm service ${s.name} (run ${s.runId})`)
  for (const c of r.containers) out.log(`${verb} container ${c.name} (run ${c.runId})`)
  for (const f of r.folders) out.log(`${verb} folder ${f}`)
  for (const f of r.stateFiles) out.log(`${verb} state file ${f}`)
  for (const n of [...r.leftAlone, ...r.notes]) out.logToStderr(n)
  const total = r.processes.length + (r.services?.length ?? 0) + r.containers.length + r.folders.length
  const did = o.dryRun ? 'would clean' : 'cleaned'
  if (r.runs.length > 0) out.log(`${did} ${r.runs.length} run(s): ${total} item(s)`)
  else if (r.stateFiles.length > 0) out.log(`${did} ${r.stateFiles.length} state file(s) cut off mid-write by a killed run`)
  else out.log('nothing to clean: no run was left behind')
}
