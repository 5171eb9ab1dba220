// `lbbench clean` for docker replicas: the containers a run left behind when its orchestrator died.
// Every container carries labels naming its run, the orchestrator's pid and host (docker.ts), so one
// with no state file left is still judged: its run is over when that pid, on this host, is gone. Swarm
// services carry the same labels and are judged alike (isLeftover).
import {hostname} from 'node:os'
import {isAlive} from '../../process/processes-of-run.js'
import {hostLabel, pidLabel, pidStartLabel, runLabel} from '../docker.js'
import type {LeftoverSweep} from '../replica-kind.js'
import {connectDocker, engineAddress} from './engine.js'

export async function sweepContainers({live, dead, dryRun, engineTimeoutMs, report}: LeftoverSweep): Promise<void> {
  let docker
  try {
    docker = await connectDocker(engineTimeoutMs)
  } catch {
    report.notes.push(`Docker is not reachable at ${engineAddress()}: containers were not checked`)
    return
  }
  const containers = await docker.listContainers({all: true, filters: {label: [runLabel]}})
  for (const c of containers) {
    const labels = c.Labels ?? {}
    const runId = labels[runLabel]
    const name = (c.Names?.[0] ?? c.Id).replace(/^\//, '')
    if (!isLeftover(labels, `container ${name}`, {live, dead, report})) continue
    report.containers.push({id: c.Id, name, runId})
    if (!dryRun) {
      await docker
        .getContainer(c.Id)
        .remove({force: true})
        .catch((err: {statusCode?: number; message: string}) => {
          if (err.statusCode !== 404) report.notes.push(`container ${name} could not be removed: ${err.message}`)
        })
    }
  }
}

/**
 * Whether a thing on the engine labelled with a run (a container, a swarm service) is left over: its run
 * is dead, or, with no state file, its orchestrator pid on this host is gone. What is not, and why, goes
 * in the report; a run found by its labels only is added to the report's runs.
 */
export function isLeftover(labels: Record<string, string>, what: string, {live, dead, report}: Pick<LeftoverSweep, 'live' | 'dead' | 'report'>): boolean {
  const runId = labels[runLabel]
  if (live.has(runId)) return false
  if (dead.has(runId)) return true
  // No state file (or never written): judge by the orchestrator pid on the label, on this host only.
  if (labels[hostLabel] && labels[hostLabel] !== hostname()) {
    report.leftAlone.push(`${what} belongs to a run on ${labels[hostLabel]}: left alone`)
    return false
  }
  const pid = Number(labels[pidLabel])
  const start = labels[pidStartLabel] ? Number(labels[pidStartLabel]) : undefined
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid, start)) {
    report.leftAlone.push(`${what}: its run's orchestrator (pid ${pid}) is alive: left alone`)
    return false
  }
  if (!report.runs.includes(runId)) report.runs.push(runId)
  return true
}
