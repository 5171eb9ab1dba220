// Replicas as Docker containers (docker.ts). Its code and dockerode load only when a run or `lbbench
// clean` needs them, never for `validate`.
import {fixedPorts} from '../fixed-ports.js'
import type {ReplicaKindDescriptor} from '../replica-kind.js'

export const dockerKind: ReplicaKindDescriptor<'docker'> = {
  name: 'docker',
  summary: "containers of an image (the built-in app's lbbench-hello, a named one, or one built from a folder), on host networking",
  options: {image: {what: 'an image name'}, build: {what: 'a folder with a Dockerfile'}, ports: fixedPorts},
  example: {image: 'lbbench-hello'},
  defaultReadyPath: '/',
  check(r) {
    if (r.image === undefined && r.build === undefined) {
      return [{path: 'replicas.image', message: 'is missing; docker replicas need image (an image name) or build (a folder with a Dockerfile)'}]
    }
    if (r.image !== undefined && r.build !== undefined) return [{path: 'replicas.build', message: 'give image or build, not both', atKey: true}]
    return []
  },
  leftovers: {
    what: 'containers labelled with the run id (lbbench.run)',
    sweep: async (s) => (await import('../docker/leftovers.js')).sweepContainers(s),
  },
  create: async (opts) => new (await import('../docker.js')).DockerReplicaSet(opts),
}
