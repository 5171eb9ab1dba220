// Replicas of the built-in app as Node cluster workers (cluster.ts): the default kind, nothing to install.
import {fixedPorts} from '../fixed-ports.js'
import type {ReplicaKindDescriptor} from '../replica-kind.js'

export const clusterKind: ReplicaKindDescriptor<'cluster'> = {
  name: 'cluster',
  summary: 'the built-in app, one Node cluster worker per replica',
  options: {ports: fixedPorts},
  example: {},
  defaultReadyPath: '/',
  check: () => [],
  leftovers: {what: "worker processes, which carry the run id: the sweep of every run's processes removes them"},
  create: async (opts) => new (await import('../cluster.js')).ClusterReplicaSet(opts),
}
