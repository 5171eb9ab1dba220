// `lbbench clean` for swarm services: the services a run left when its orchestrator died, judged by
// their labels as containers are, removed first (a service left would start its tasks again), then the
// containers of the run, which a removed service may leave behind.
import {isLeftover, sweepContainers} from '../docker/leftovers.js'
import {connectDocker, engineAddress} from '../docker/engine.js'
import type {LeftoverSweep} from '../replica-kind.js'
import {runLabel} from './engine.js'

export async function sweepServices(sweep: LeftoverSweep): Promise<void> {
  const {dryRun, engineTimeoutMs, report} = sweep
  let docker
  try {
    docker = await connectDocker(engineTimeoutMs)
  } catch {
    report.notes.push(`Docker is not reachable at ${engineAddress()}: swarm services were not checked`)
    return
  }
  // An engine in no swarm has no services to list (it answers 503).
  const services = await docker.listServices({filters: {label: [runLabel]}}).catch(() => [])
  for (const s of services) {
    const labels = s.Spec?.Labels ?? {}
    const name = s.Spec?.Name ?? s.ID
    if (!isLeftover(labels, `service ${name}`, sweep)) continue
    report.services ??= []
    report.services.push({id: s.ID, name, runId: labels[runLabel]})
    if (!dryRun) {
      await docker
        .getService(s.ID)
        .remove()
        .catch((err: {statusCode?: number; message: string}) => {
          if (err.statusCode !== 404) report.notes.push(`service ${name} could not be removed: ${err.message}`)
        })
    }
  }
  if (services.length > 0 && !dryRun) await new Promise((r) => setTimeout(r, 500))
  await sweepContainers(sweep)
}
