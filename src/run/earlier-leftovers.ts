// A run's first step once it has its folder: remove what earlier runs left when their lbbench was killed
// outright (SIGKILL, the OOM killer), as `lbbench clean` does. Their replicas, proxy and generator exit
// on their own, but Docker containers and swarm services keep running, holding ports and CPU that this
// run's figures would share. Only runs whose orchestrator is provably gone from this host are touched (leftovers.ts judges
// that: the recorded pid is not alive with its recorded start time; a container's host label is ours).
// With nothing left over it costs one read of the state files' folder; it contacts the Docker engine only
// when a dead run used Docker replicas or this run does. It never stops the run: what it cannot do, it
// says, with the command that does it later.

import {plural} from '../model/plural.js'
import {cleanLeftovers, type CleanReport} from './leftovers.js'

/** How long the Docker engine gets to answer here: a run must not wait long for someone else's leftovers. */
const ENGINE_TIMEOUT_MS = 2_000

export async function cleanEarlierRuns(replicaKind: string, log: (line: string) => void): Promise<void> {
  let report: CleanReport
  try {
    report = await cleanLeftovers({onlyKindsUsedAnd: replicaKind, dockerTimeoutMs: ENGINE_TIMEOUT_MS})
  } catch (error) {
    log(`could not look for what earlier runs left behind: ${(error as Error).message} (\`lbbench clean\` removes it)`)
    return
  }
  const removed = removedItems(report)
  if (removed.length > 0) {
    log(`removed what ${plural(report.runs.length, 'earlier run')} left behind when lbbench was killed (${report.runs.join(', ')}): ${removed.join('; ')}`)
  }
  for (const note of report.notes) log(`leftovers of earlier runs: ${note} (\`lbbench clean\` removes them later)`)
}

function removedItems(r: CleanReport): string[] {
  const items: string[] = []
  const services = r.services ?? []
  if (services.length > 0) items.push(`${plural(services.length, 'swarm service')} (${services.map((s) => s.name).sort().join(', ')})`)
  if (r.containers.length > 0) items.push(`${plural(r.containers.length, 'container')} (${r.containers.map((c) => c.name).sort().join(', ')})`)
  if (r.processes.length > 0) items.push(`${r.processes.length} process${r.processes.length === 1 ? '' : 'es'} (pid ${r.processes.map((p) => p.pid).join(', ')})`)
  if (r.folders.length > 0) items.push(`${plural(r.folders.length, 'temporary folder')} (${r.folders.join(', ')})`)
  return items
}
