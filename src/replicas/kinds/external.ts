// Replicas lbbench did not start (external.ts): a system already running on loopback addresses, r1 … rN
// in the order listed. lbbench checks each is ready before the load starts and never starts or stops one;
// a fault action on one runs the command the scenario gives for it under `actions`. Leaving the addresses
// out lists no replicas at all: a balancer lbbench did not start, measured from the outside.
import {z} from 'zod'
import type {KindProblem} from '../../model/kind.js'
import type {ExternalAction, ReplicasSpec} from '../../model/scenario.js'
import {formatAddress, parseLoopbackAddress} from '../../process/loopback-address.js'
import type {FaultToCheck, ReplicaKindDescriptor} from '../replica-kind.js'

/** The fault actions a command of the system's own can do, in the order messages list them. */
export const externalActions: readonly ExternalAction[] = ['kill', 'terminate', 'pause', 'resume', 'restart']

const address = z.string({error: (iss) => `expected an address like 127.0.0.1:9001 (text); got ${JSON.stringify(iss.input)}`}).superRefine((text, ctx) => {
  const parsed = parseLoopbackAddress(text)
  if ('error' in parsed) ctx.addIssue({code: 'custom', message: parsed.error})
})

const command = z.string().min(1).optional()
const actions = z.strictObject({kill: command, terminate: command, pause: command, resume: command, restart: command})

/** The actions replicas.actions defines, as messages list them. */
function defined(r: ReplicasSpec): string {
  const names = externalActions.filter((a) => r.actions?.[a] !== undefined)
  return names.length ? names.join(', ') : 'none'
}

/** Every fault on a replica needs the command that does it; what only the built-in app can do is not available. */
function faultProblems(r: ReplicasSpec, faults: ReadonlyArray<FaultToCheck | undefined>): KindProblem[] {
  const problems: KindProblem[] = []
  faults.forEach((f, i) => {
    if (f?.target === undefined) return
    const action = f.action as ExternalAction
    if (!externalActions.includes(action)) {
      problems.push({
        path: `faults.${i}.action`,
        message: `${f.action} is not available for external replicas: it works through the built-in app's control channel, which a system lbbench did not start does not have. External replicas can do what replicas.actions defines: ${defined(r)}`,
      })
    } else if (r.actions?.[action] === undefined) {
      problems.push({path: `faults.${i}.action`, message: `external replicas have no ${action} command: replicas.actions defines ${defined(r)}; add ${action}: "<command>" there`})
    } else if (action === 'pause' && f.for !== undefined && r.actions.resume === undefined) {
      problems.push({path: `faults.${i}.for`, message: `resuming after for needs a resume command: replicas.actions defines ${defined(r)}`})
    }
  })
  return problems
}

export const externalKind: ReplicaKindDescriptor<'external'> = {
  name: 'external',
  summary: 'a system lbbench did not start, at loopback addresses: checked for readiness, never started or stopped, faults done by its own commands',
  options: {
    addresses: {
      what: 'the loopback addresses of replicas lbbench does not start, like 127.0.0.1:9001 (r1 first)',
      schema: z.array(address),
      perReplica: true,
      example: ['127.0.0.1:9001', '127.0.0.1:9002'],
    },
    actions: {
      what: `the shell command for each fault action (${externalActions.join(', ')}); $REPLICA, $REPLICA_INDEX and $ADDRESS are set`,
      schema: actions,
      example: {kill: 'docker kill web-$REPLICA_INDEX', restart: 'docker start web-$REPLICA_INDEX'},
    },
  },
  example: {addresses: ['127.0.0.1:9001']},
  // No addresses, no replicas: the load goes to a balancer lbbench did not start, and nothing is listed behind it.
  defaultCount: 0,
  defaultReadyPath: '/',
  startLine: (count) => `checking that ${count === 1 ? 'the external replica is' : `the ${count} external replicas are`} ready`,
  check(r) {
    const problems: KindProblem[] = []
    const seen = new Map<string, number>()
    r.addresses?.forEach((text, i) => {
      const parsed = parseLoopbackAddress(text)
      if ('error' in parsed) return
      const first = seen.get(formatAddress(parsed))
      if (first === undefined) seen.set(formatAddress(parsed), i)
      else problems.push({path: `replicas.addresses.${i}`, message: `${text} is listed twice (r${first + 1} and r${i + 1})`})
    })
    if (r.restart === 'on-failure') {
      problems.push({path: 'replicas.restart', message: 'on-failure needs lbbench to see a replica crash, and it does not watch external replicas; use a restart fault'})
    }
    if (r.actions !== undefined && !r.addresses?.length) {
      problems.push({path: 'replicas.actions', message: 'no replicas are listed to act on: give their addresses in replicas.addresses', atKey: true})
    }
    return problems
  },
  checkFaults: faultProblems,
  leftovers: {what: 'nothing: lbbench starts no process for external replicas (their action commands end within 30 s)'},
  create: async (opts) => new (await import('../external.js')).ExternalReplicaSet(opts),
}
