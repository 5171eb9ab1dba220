// Replicas as the tasks of one Docker Swarm service (swarm.ts, with swarm/): Swarm places, restarts and
// rolls them out, lbbench watches it happen. Its code and dockerode load only when a run or `lbbench
// clean` needs them, never for `validate`.
import {z} from 'zod'
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
  },
  example: {image: 'lbbench-hello', restartDelay: '0s'},
  defaultReadyPath: '/',
  startLine: (count) => `starting a swarm service of ${count} task${count === 1 ? '' : 's'}`,
  check(r) {
    if (r.image !== undefined && r.build !== undefined) return [{path: 'replicas.build', message: 'give image or build, not both', atKey: true}]
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
