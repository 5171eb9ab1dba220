// `replicas.ports`: ports the scenario fixes, one per replica, so that a balancer lbbench did not start
// (whose own configuration names them) can reach the replicas lbbench starts. Each kind that starts
// replicas lists this option in its descriptor, starts rN on the Nth port, and brings it back on the same
// port after a restart; a port another program holds ends the run before anything starts (exit 3).
import {z} from 'zod'
import type {ReplicasSpec} from '../model/scenario.js'
import type {ReplicaOption} from './replica-kind.js'

const port = z.number().int().min(1).max(65535)

export const fixedPorts: ReplicaOption = {
  what: 'fixed ports on 127.0.0.1, one per replica (r1 on the first), for a balancer lbbench did not start; default: free ports lbbench picks',
  schema: z.array(port).min(1).superRefine((ports, ctx) => {
    ports.forEach((p, i) => {
      const first = ports.indexOf(p)
      if (first !== i) ctx.addIssue({code: 'custom', path: [i], message: `port ${p} is listed twice (r${first + 1} and r${i + 1}); each replica needs its own`})
    })
  }),
  perReplica: true,
  example: [9001, 9002],
}

/** The port the scenario fixes for replica `id` (r2: the second), or undefined when lbbench picks one. */
export function fixedPortOf(replicas: ReplicasSpec, id: string): number | undefined {
  return replicas.ports?.[Number(id.slice(1)) - 1]
}
