// The second step of a run: the balancer of the scenario's kind, in front of the ready replicas (with
// balancer.tls, serving the run's certificate; one handshake before the load says what it negotiates). Its
// view of the backends goes on the timeline, and so do a limit on open files that holds fewer connections than
// the scenario opens and connections that cannot split evenly over replicas it balances by connection; its
// death while the run needs it ends the run (exit 3).

import type {Balancer} from '../balancers/balancer.js'
import {balancerKinds} from '../balancers/registry.js'
import {prepareTlsFiles} from '../balancers/tls-files.js'
import {fairnessNotes} from '../balancers/fairness-notes.js'
import {openFilesShortfall} from '../balancers/open-files.js'
import {openFilesHardLimit} from '../process/open-files-limit.js'
import {probeTls} from '../process/tls-probe.js'
import {RunError} from '../model/errors.js'
import type {ReplicaInfo, ReplicaSet} from '../replicas/replica-set.js'
import type {RunContext} from './context.js'
import {withTimeout} from './stops.js'

/** Bounds the balancer's start, so that no run outlives its phases by more than a bounded start-up. */
const BALANCER_START_MS = 15_000

/** Makes the balancer and watches it; it is started by startBalancer. */
export async function createBalancer(run: RunContext, set: ReplicaSet): Promise<Balancer> {
  // The machine's limit on open files may hold fewer connections than the scenario opens: said before the load.
  const shortfall = openFilesShortfall(run.scenario, openFilesHardLimit())
  if (shortfall) run.event('open-files', shortfall)
  // What the fairness figures will show besides the balancer's choices: connections that cannot split
  // evenly, weights it does not follow, a hash of the one address the load generator sends from.
  for (const note of fairnessNotes(run.scenario)) run.event(note.kind, note.text)
  const lb = await balancerOf(run, set)
  run.balancer = lb
  lb.on('backend-state', (c) => {
    run.timeline.add(c.state === 'down' ? 'backend-down' : 'backend-up', c.reason, c.id, c.epochMs)
    run.hooks.onEvent?.(`backend ${c.id} ${c.state}: ${c.reason}`)
  })
  lb.on('exit', (detail) => {
    run.event('balancer-exit', detail)
    run.stops.partFailed(new RunError(`the ${run.scenario.balancer.kind} balancer exited during the run (${detail}); its output is in ${run.runDir}`))
  })
  return lb
}

/** Starts the balancer in front of `infos`; returns the addresses the load is sent to. */
export async function startBalancer(run: RunContext, lb: Balancer, infos: ReplicaInfo[]): Promise<string[]> {
  const kind = run.scenario.balancer.kind
  run.log(`starting the ${kind} balancer`)
  const targets = await run.stops.race(withTimeout(lb.start(infos), BALANCER_START_MS, `the ${kind} balancer did not start`))
  run.balancerVersion = await lb.version().catch(() => undefined)
  run.target = targets.join(' ')
  // What TLS the load meets, wherever it is served (balancer.tls, or an external balancer's https:// url).
  // The certificate lbbench made must be the one served; your own is not checked (its signer is unknown).
  const tls = run.scenario.balancer.tls
  if (targets[0]?.startsWith('https:')) run.tls = await probeTls(targets[0], {ca: tls && 'selfSigned' in tls ? run.tlsFiles?.certPem : undefined})
  const generated = lb.config?.()
  if (generated) run.hooks.onBalancerConfig?.(generated)
  await run.recordPids()
  return targets
}

/** The balancer of the scenario's kind, from the registry of kinds. */
function balancerOf(run: RunContext, replicaSet: ReplicaSet): Promise<Balancer> {
  const tls = run.scenario.balancer.tls
  // The certificate (made for the run, or the scenario's own) is in the run's folder before the balancer starts.
  if (tls) run.tlsFiles = prepareTlsFiles(tls, run.loaded.file, run.runDir)
  return balancerKinds.get(run.scenario.balancer.kind)!.create({loaded: run.loaded, runDir: run.runDir, log: run.log, replicaSet, tls: run.tlsFiles})
}
