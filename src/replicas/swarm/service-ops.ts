// What the update and scale faults do to the swarm service: a forced rolling update with the service's
// own update settings, followed until Swarm says it has ended, and a new replica count. Also how many
// slots a run may reach, so that every one has its port before the service starts.
import type Dockerode from 'dockerode'
import {RunError} from '../../model/errors.js'
import type {Scenario} from '../../model/scenario.js'
import type {Docker} from '../docker/engine.js'

/** The most slots the run may fill: its count, or more when a scale fault asks for more. */
export function slotsReached(s: Scenario): number {
  return Math.max(s.replicas.count, ...s.faults.filter((f) => f.action === 'scale').map((f) => f.replicas ?? 0))
}

/** Applies a change to the service's spec at its current version (Swarm refuses a stale one). */
async function changeSpec(service: Dockerode.Service, change: (spec: Dockerode.ServiceSpec) => Dockerode.ServiceSpec): Promise<void> {
  const current = (await service.inspect()) as Dockerode.Service
  await service.update({version: current.Version?.Index, ...change(current.Spec ?? {})})
}

/** Update states after which Swarm rolls no further. */
const finalStates = new Set(['completed', 'paused', 'rollback_completed', 'rollback_paused'])

/**
 * Forces a rolling update of every task (same image, same spec: ForceUpdate counts up) and resolves when
 * Swarm reports it ended, with the engine's time of the end and how it ended.
 */
export async function rollOver(docker: Docker, service: Dockerode.Service, stopping: () => boolean): Promise<{epochMs: number; detail: string}> {
  const before = ((await service.inspect()) as Dockerode.Service).UpdateStatus?.StartedAt
  await changeSpec(service, (spec) => ({...spec, TaskTemplate: {...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate?.ForceUpdate ?? 0) + 1}}))
  for (;;) {
    if (stopping()) throw new RunError('the rolling update did not end before the run did')
    const status = ((await docker.getService(service.id).inspect()) as Dockerode.Service).UpdateStatus
    if (status?.StartedAt !== before && status?.State && finalStates.has(status.State)) {
      const at = Date.parse(status.CompletedAt ?? '')
      return {epochMs: Number.isFinite(at) ? at : Date.now(), detail: `${status.State}${status.Message ? `: ${status.Message}` : ''}`}
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function scaleService(service: Dockerode.Service, count: number): Promise<void> {
  await changeSpec(service, (spec) => ({...spec, Mode: {Replicated: {Replicas: count}}}))
}
