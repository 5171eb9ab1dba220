// Replicas as the tasks of one Docker Swarm service (swarm.ts, with swarm/): Swarm places, restarts and
// rolls them out, lbbench watches it happen. Its code and dockerode load only when a run or `lbbench
// clean` needs them, never for `validate`.
import {z} from 'zod'
import type {KindProblem} from '../../model/kind.js'
import type {ReplicasSpec} from '../../model/scenario.js'
import {appImage, runsBuiltinApp} from '../docker/app-image-name.js'
import type {ReplicaKindDescriptor} from '../replica-kind.js'

/** The most tasks a `scale` fault may ask for, as for replicas.count. */
export const maxSwarmTasks = 64

export const swarmKind: ReplicaKindDescriptor<'swarm'> = {
  name: 'swarm',
  summary: "the tasks of one Docker Swarm service (the built-in app's lbbench-hello, a local image, or one built from a folder), on host networking; Swarm restarts and rolls them out",
  options: {
    image: {what: 'an image name'},
    build: {what: 'a folder with a Dockerfile'},
    restartDelay: {
      what: "how long Swarm waits before it replaces a task that ended; default 5s, Swarm's own",
      schema: (forms) => forms.duration(),
      example: '0s',
    },
    update: {
      what: 'how the update fault rolls the tasks over: parallelism (tasks at a time, default 1), order (stop-first; start-first cannot work on host networking), delay between batches (default 0s)',
      schema: (forms) =>
        z.strictObject({
          parallelism: z.number().int().min(0).max(maxSwarmTasks).default(1),
          order: z.enum(['stop-first', 'start-first']).default('stop-first'),
          delay: forms.duration().prefault('0s'),
        }),
      example: {parallelism: 1, order: 'stop-first', delay: '0s'},
    },
    healthCheck: {
      what:
        "Swarm's own health check of every task, in place of the image's HEALTHCHECK; a task that fails it retries times in a row is replaced. " +
        'The built-in app is probed with a GET of path (default /; a status below 400 is healthy); another image runs command, a shell command in the task with $PORT set (exit 0 is healthy). ' +
        "interval, timeout, retries and startPeriod default to Docker's own: 30s, 30s, 3, 0s",
      schema: (forms) =>
        z.strictObject({
          path: forms.urlPath().optional(),
          command: z.string().min(1).optional(),
          interval: forms.duration({positive: true}).prefault('30s'),
          timeout: forms.duration({positive: true}).prefault('30s'),
          retries: z.number().int().min(1).max(100).default(3),
          startPeriod: forms.duration().prefault('0s'),
        }),
      example: {path: '/', interval: '1s', timeout: '1s', retries: 2},
    },
  },
  example: {image: 'lbbench-hello', restartDelay: '0s'},
  defaultReadyPath: '/',
  startLine: (count) => `starting a swarm service of ${count} task${count === 1 ? '' : 's'}`,
  check(r) {
    if (r.image !== undefined && r.build !== undefined) return [{path: 'replicas.build', message: 'give image or build, not both', atKey: true}]
    const health = healthCheckProblems(r)
    if (health.length > 0) return health
    if (r.update?.order === 'start-first') {
      return [{
        path: 'replicas.update.order',
        message:
          'start-first cannot work with swarm replicas: they use host networking, so the new task would listen on the port its old task still holds (EADDRINUSE), crash-loop, and the update would pause; use stop-first',
      }]
    }
    return []
  },
  leftovers: {
    what: 'swarm services and containers labelled with the run id (lbbench.run)',
    sweep: async (s) => (await import('../swarm/leftovers.js')).sweepServices(s),
  },
  create: async (opts) => new (await import('../swarm.js')).SwarmReplicaSet(opts),
}

/** A health check Docker would refuse, or one that cannot probe the image the scenario names. */
function healthCheckProblems(r: ReplicasSpec): KindProblem[] {
  const h = r.healthCheck
  if (!h) return []
  if (h.path !== undefined && h.command !== undefined) return [{path: 'replicas.healthCheck.command', message: 'give path or command, not both', atKey: true}]
  if (h.path !== undefined && !runsBuiltinApp(r)) {
    return [{path: 'replicas.healthCheck.path', message: `path probes the built-in app (${appImage}), which has node to send it; another image needs command, a shell command run in the task ($PORT is set)`, atKey: true}]
  }
  if (h.command === undefined && !runsBuiltinApp(r)) {
    return [{path: 'replicas.healthCheck', message: `needs command for an image other than ${appImage}: a shell command run in the task ($PORT is set), exit 0 when healthy, e.g. wget -q -O /dev/null http://127.0.0.1:$PORT/health`}]
  }
  // Docker refuses a health check time under 1 ms (other than 0, which means its default).
  for (const key of ['interval', 'timeout'] as const) {
    if (h[key] < 1) return [{path: `replicas.healthCheck.${key}`, message: `must be at least 1ms (Docker's least); got ${Math.round(h[key] * 1000)}us`}]
  }
  if (h.startPeriod > 0 && h.startPeriod < 1) return [{path: 'replicas.healthCheck.startPeriod', message: `must be 0s or at least 1ms (Docker's least); got ${Math.round(h.startPeriod * 1000)}us`}]
  return []
}
