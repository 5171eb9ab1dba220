// Replicas as processes of any command (process.ts): the user's own app, started `count` times.
import {fixedPorts} from '../fixed-ports.js'
import type {ReplicaKindDescriptor} from '../replica-kind.js'

export const processKind: ReplicaKindDescriptor<'process'> = {
  name: 'process',
  summary: 'any command, started once per replica through /bin/sh, each in its own process group',
  options: {
    command: {what: 'the command; $PORT and $REPLICA are set'},
    cwd: {what: 'the folder the command runs in, relative to the scenario file; default its folder'},
    ports: fixedPorts,
  },
  example: {command: 'node app.js'},
  // A process replica may not speak HTTP on /; without a path its readiness is its port accepting.
  defaultReadyPath: undefined,
  check(r) {
    if (r.command !== undefined) return []
    return [{path: 'replicas.command', message: 'is missing; process replicas run a command, like "node app.js" ($PORT and $REPLICA are set)'}]
  },
  leftovers: {what: "process groups, which carry the run id: the sweep of every run's processes removes them"},
  create: async (opts) => new (await import('../process.js')).ProcessReplicaSet(opts),
}
