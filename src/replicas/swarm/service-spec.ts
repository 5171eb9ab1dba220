// The swarm replicas' service: one task per replica slot, each told its own port. Swarm gives every task
// the same environment apart from templates such as {{.Task.Slot}}, so the values that differ per replica
// (its port, the built-in app's behaviour, seed and control port) are all given as NAME_<slot>, with
// LBBENCH_SLOT set to the task's slot: the built-in app reads NAME_<slot> for NAME, and any other image
// is started through /bin/sh, which sets PORT from PORT_<slot>. A replacement task fills the same slot,
// so it comes back on the same address.
import type Dockerode from 'dockerode'
import {deriveSeed} from '../../model/random.js'
import type {Scenario, SwarmHealthCheck} from '../../model/scenario.js'
import {behaviourOf} from '../behaviour-of.js'
import {hostServiceSpec, nanos} from './engine.js'

export interface SlotPorts {
  slot: number
  port: number
  /** The built-in app's control channel. */
  controlPort?: number
}

export interface ReplicaServiceOptions {
  runId: string
  scenario: Scenario
  imageId: string
  /** The image is the built-in app (which reads NAME_<slot> itself). */
  builtinApp: boolean
  /** Another image's entrypoint and command, started through /bin/sh. */
  imageCommand: string[]
  /** Every slot the run may reach (scale faults included), with its ports. */
  slots: SlotPorts[]
  /** The built-in app's control channel token. */
  token: string
  /** The node whose loopback the tasks listen on: the manager lbbench talks to. */
  nodeId: string
}

/** A service name Swarm accepts (letters, digits, dashes; at most 63), ending with the run id's random part. */
export function serviceNameOf(runId: string): string {
  const clean = runId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')
  return `lbbench-${clean.slice(-55)}`.replace(/-+/g, '-').replace(/-$/, '')
}

/** Sets PORT from PORT_<slot> (a shell command). */
const setPort = 'eval "export PORT=\\${PORT_$LBBENCH_SLOT}"'
/** Sets PORT, then runs the image's own command. */
const portFromSlot = `${setPort}; exec "$@"`

/**
 * Docker's health check of a task. The built-in app's image has no shell and no HTTP client but node:
 * node:http's get starts in about 60 ms of CPU (fetch, which loads undici, in about 180 ms). A command
 * runs through /bin/sh with PORT set as for the image's own command.
 */
export function healthCheckOf(h: SwarmHealthCheck): Dockerode.HealthConfig {
  const test = h.command !== undefined
    ? ['CMD-SHELL', `${setPort}; ${h.command}`]
    : ['CMD', 'node', '-e', probeScript(h.path ?? '/')]
  return {Test: test, Interval: nanos(h.interval), Timeout: nanos(h.timeout), Retries: h.retries, StartPeriod: nanos(h.startPeriod)}
}

function probeScript(path: string): string {
  const url = `'http://127.0.0.1:' + process.env['PORT_' + process.env.LBBENCH_SLOT] + ${JSON.stringify(path)}`
  return `require('node:http').get(${url}, (r) => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))`
}

export function replicaServiceSpec(o: ReplicaServiceOptions): Dockerode.CreateServiceOptions {
  const s = o.scenario
  const env: Record<string, string> = {
    ...s.replicas.env,
    HOST: '127.0.0.1',
    REPLICA: 'r{{.Task.Slot}}',
    LBBENCH_SLOT: '{{.Task.Slot}}',
    LBBENCH_RUN_ID: o.runId,
  }
  for (const {slot, port, controlPort} of o.slots) {
    env[`PORT_${slot}`] = String(port)
    if (!o.builtinApp) continue
    env[`LBBENCH_APP_${slot}`] = JSON.stringify(behaviourOf(s, `r${slot}`))
    env[`LBBENCH_SEED_${slot}`] = String(deriveSeed(s.seed, `app-r${slot}`))
    env[`LBBENCH_CONTROL_PORT_${slot}`] = String(controlPort)
  }
  if (o.builtinApp) env.LBBENCH_CONTROL_TOKEN = o.token
  const update = s.replicas.update ?? {parallelism: 1, order: 'stop-first', delay: 0}
  return hostServiceSpec({
    name: serviceNameOf(o.runId),
    runId: o.runId,
    imageId: o.imageId,
    nodeId: o.nodeId,
    env,
    ...(o.builtinApp ? {} : {command: ['/bin/sh', '-c', portFromSlot, 'sh', ...o.imageCommand]}),
    mode: {Replicated: {Replicas: s.replicas.count}},
    restart: {Condition: 'any', Delay: nanos(s.replicas.restartDelay ?? 5000)},
    update: {Parallelism: update.parallelism, Order: update.order, Delay: nanos(update.delay)},
    ...(s.replicas.healthCheck ? {healthCheck: healthCheckOf(s.replicas.healthCheck)} : {}),
  })
}
