// Replica kinds by name. Each entry loads its file only when used, so `validate` and `--help` stay fast.
import type {ReplicaSet, ReplicaSetOptions} from './replica-set.js'

type Factory = (opts: ReplicaSetOptions) => Promise<ReplicaSet>

export const replicaKinds: Record<string, Factory> = {
  cluster: async (o) => new (await import('./cluster.js')).ClusterReplicaSet(o),
  process: async (o) => new (await import('./process.js')).ProcessReplicaSet(o),
  docker: async (o) => new (await import('./docker.js')).DockerReplicaSet(o),
}
