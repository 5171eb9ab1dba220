// The Docker Swarm engine as lbbench uses it, written once for every part that runs Swarm services (the
// swarm replica kind; load generators run as a replicated job): a client that talks to a swarm manager
// (exit 3 with the command that makes one otherwise), an image pinned by id so that no registry is
// contacted, a service on host networking that carries the run's labels, and removal of everything a run
// made: its services first (a service left would start its tasks again), then any container still
// carrying its label (removing a service can leave its containers running).
//
// Stable API: connectSwarmManager, swarmInitCommand, swarmNodeId, runLabels, localImageId, hostServiceSpec,
// createService, removeRunServices, removeRunContainers, removeRun, sweepServices (in leftovers.ts).
import {hostname} from 'node:os'
import type Dockerode from 'dockerode'
import {RunError} from '../../model/errors.js'
import {processStartTime} from '../../process/processes-of-run.js'
import {hostLabel, pidLabel, pidStartLabel, runLabel} from '../docker.js'
import {connectDocker, type Docker} from '../docker/engine.js'

export {runLabel} from '../docker.js'

/** What makes the engine at DOCKER_HOST a single-node swarm manager, on loopback only. */
export const swarmInitCommand = 'docker swarm init --advertise-addr 127.0.0.1'

/** Nanoseconds, the unit of every duration in a service spec. */
export const nanos = (ms: number): number => Math.round(ms * 1e6)

/**
 * A client whose engine answered and is a swarm manager. RunError (exit 3) otherwise: no engine (the
 * docker kind's message), an engine in no swarm (with swarmInitCommand), or a worker node.
 */
export async function connectSwarmManager(timeoutMs = 5000): Promise<Docker> {
  const docker = await connectDocker(timeoutMs)
  const info = (await docker.info()) as {Swarm?: {LocalNodeState?: string; ControlAvailable?: boolean; NodeAddr?: string}}
  const state = info.Swarm?.LocalNodeState ?? 'inactive'
  if (state !== 'active') {
    throw new RunError(
      `the Docker engine at ${process.env.DOCKER_HOST || 'unix:///var/run/docker.sock'} is not a swarm manager (swarm state: ${state}); ` +
        `make it one with: ${swarmInitCommand}`,
    )
  }
  if (!info.Swarm?.ControlAvailable) {
    throw new RunError(
      `the Docker engine at ${process.env.DOCKER_HOST || 'unix:///var/run/docker.sock'} is a swarm worker (node ${info.Swarm?.NodeAddr ?? '?'}): ` +
        `services are created on a manager; set DOCKER_HOST to a manager of the swarm, or make this engine one with: ${swarmInitCommand}`,
    )
  }
  return docker
}

/** The labels every service and task container of a run carries (read by `lbbench clean`). */
export function runLabels(runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [runLabel]: runId,
    [pidLabel]: String(process.pid),
    [pidStartLabel]: String(processStartTime(process.pid) ?? ''),
    [hostLabel]: hostname(),
    ...extra,
  }
}

/**
 * The id (sha256:…) of an image the engine holds. A service whose image is given by id starts its tasks
 * without asking a registry for the name's digest; by name, Swarm tries a pull for every task it starts.
 */
export async function localImageId(docker: Docker, image: string): Promise<string> {
  try {
    return (await docker.getImage(image).inspect()).Id
  } catch (err) {
    if ((err as {statusCode?: number}).statusCode === 404) {
      throw new RunError(`image ${image} is not on the Docker engine: swarm services use local images only (build or load it there first)`)
    }
    throw err
  }
}

export interface HostServiceOptions {
  /** The service's name (unique on the swarm). */
  name: string
  runId: string
  /** localImageId's answer. */
  imageId: string
  /** Environment; Swarm templates such as {{.Task.Slot}} are expanded per task. */
  env: Record<string, string>
  /** Replaces the image's entrypoint and command when given. */
  command?: string[]
  /** Extra labels on the service and its containers. */
  labels?: Record<string, string>
  mode: Dockerode.ServiceMode
  restart: Dockerode.TaskRestartPolicy
  update?: Dockerode.UpdateConfig
  /** Swarm's health check of each task (replaces the image's HEALTHCHECK). */
  healthCheck?: Dockerode.HealthConfig
  /** Tasks run on the manager's node only (their ports are on its loopback). Default true. */
  onManager?: boolean
  /** Tasks run on this node only (swarmNodeId's answer): narrower than onManager when a swarm has several managers. */
  nodeId?: string
}

function placementOf(o: HostServiceOptions): Pick<Dockerode.TaskSpecBase, 'Placement'> {
  if (o.nodeId) return {Placement: {Constraints: [`node.id == ${o.nodeId}`]}}
  return o.onManager === false ? {} : {Placement: {Constraints: ['node.role == manager']}}
}

/** The id of the swarm node the engine runs (connectSwarmManager's engine): its tasks share this machine's loopback. */
export async function swarmNodeId(docker: Docker): Promise<string> {
  return ((await docker.info()) as {Swarm?: {NodeID?: string}}).Swarm?.NodeID ?? ''
}

/** A service spec on host networking (no ingress, no overlay): every task listens on the node's 127.0.0.1. */
export function hostServiceSpec(o: HostServiceOptions): Dockerode.CreateServiceOptions {
  const labels = runLabels(o.runId, o.labels)
  return {
    Name: o.name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: o.imageId,
        Labels: labels,
        Env: Object.entries(o.env).map(([k, v]) => `${k}=${v}`),
        ...(o.command ? {Command: o.command} : {}),
        ...(o.healthCheck ? {HealthCheck: o.healthCheck} : {}),
      },
      Networks: [{Target: 'host'}],
      RestartPolicy: o.restart,
      ...placementOf(o),
    },
    Mode: o.mode,
    ...(o.update ? {UpdateConfig: o.update} : {}),
    // Published ports would go through the ingress mesh: host networking publishes nothing.
    EndpointSpec: {Mode: 'dnsrr'},
  }
}

/** Creates the service (no registry auth is sent and the image is an id: nothing is pulled). */
export async function createService(docker: Docker, spec: Dockerode.CreateServiceOptions): Promise<Dockerode.Service> {
  try {
    return await docker.createService(spec)
  } catch (err) {
    throw new RunError(`the swarm service ${spec.Name} could not be created: ${(err as Error).message}`)
  }
}

function gone(err: unknown): boolean {
  const status = (err as {statusCode?: number}).statusCode
  return status === 404 || status === 409
}

/** Removes the run's services; returns their names. */
export async function removeRunServices(docker: Docker, runId: string): Promise<string[]> {
  const services = await docker.listServices({filters: {label: [`${runLabel}=${runId}`]}})
  await Promise.all(services.map((s) => docker.getService(s.ID).remove().catch((err) => gone(err) || Promise.reject(err))))
  return services.map((s) => s.Spec?.Name ?? s.ID)
}

/**
 * Removes every container labelled with the run, running or not. Swarm removes a removed service's
 * containers in its own time (and sometimes not at all), so they are looked for until none is left.
 */
export async function removeRunContainers(docker: Docker, runId: string, settleMs = 3000): Promise<void> {
  const until = Date.now() + settleMs
  for (;;) {
    const ours = await docker.listContainers({all: true, filters: {label: [`${runLabel}=${runId}`]}})
    await Promise.all(ours.map((c) => docker.getContainer(c.Id).remove({force: true}).catch((err) => gone(err) || Promise.reject(err))))
    if (ours.length === 0 || Date.now() > until) return
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Everything of the run on the engine: its services, then its containers. */
export async function removeRun(docker: Docker, runId: string): Promise<void> {
  await removeRunServices(docker, runId)
  await removeRunContainers(docker, runId)
}
