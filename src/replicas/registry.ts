// The replica kinds (`replicas.kind`), in the order they are listed. Scenario validation, the JSON
// Schema, the run and `lbbench clean` all read this list: a new kind is its descriptor in kinds/ (which
// loads its code when a run starts it) and one line here.
import {registry} from '../model/kind.js'
import {clusterKind} from './kinds/cluster.js'
import {dockerKind} from './kinds/docker.js'
import {externalKind} from './kinds/external.js'
import {processKind} from './kinds/process.js'
import {swarmKind} from './kinds/swarm.js'

export const replicaKinds = registry('replica kind', [clusterKind, processKind, dockerKind, swarmKind, externalKind])

/** A name a scenario may give as `replicas.kind`. */
export type ReplicaKind = (typeof replicaKinds.names)[number]
