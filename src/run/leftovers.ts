// What runs left behind when their orchestrator died without tidying up (SIGKILL, OOM killer, a crash),
// and removing it: `lbbench clean`. A run is left over when its orchestrator is no longer alive (pid gone,
// or reused by another process: the start time differs). A live run is never touched, and a recorded pid
// is only killed if the process still carries the run's id (a reused pid belongs to someone else).
// Processes, temporary folders and state files are every run's; what else a replica kind may leave (a
// container) its own sweep finds (replicas/kinds/).
import {rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {readlinkSync} from 'node:fs'
import {resolve, sep} from 'node:path'
import {processGroupOf} from '../process/process-group.js'
import {belongsToRun, isAlive, processesOfRun} from '../process/processes-of-run.js'
import type {LeftoverReport} from '../replicas/replica-kind.js'
import {replicaKinds} from '../replicas/registry.js'
import {readStateFolder, type RunState} from './state-file.js'

export interface CleanReport extends LeftoverReport {
  processes: Array<{pid: number; runId: string}>
  folders: string[]
  stateFiles: string[]
}

export interface CleanOptions {
  dryRun?: boolean
  /** Docker engine timeout for the reachability check. */
  dockerTimeoutMs?: number
  /**
   * Sweep only the replica kinds the dead runs used (every kind for a state file that does not say) and
   * this one: what a run's start does, so that a run that has nothing to do with Docker never contacts
   * it. Without it every kind's sweep runs (`lbbench clean`).
   */
  onlyKindsUsedAnd?: string
}

/** Processes of containers live in another pid namespace: Docker removes those, not a signal from here. */
function inOurPidNamespace(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`) === readlinkSync('/proc/self/ns/pid')
  } catch {
    return false
  }
}

function killProcess(pid: number): void {
  try {
    // A group leader takes its group with it (a shell and what it started, nginx and its workers).
    if (processGroupOf(pid) === pid) process.kill(-pid, 'SIGKILL')
    else process.kill(pid, 'SIGKILL')
  } catch {
    // gone already
  }
}

/** Only folders inside the temporary folder are removed, whatever a state file says. */
function isTempFolder(dir: string): boolean {
  const root = resolve(tmpdir()) + sep
  return resolve(dir).startsWith(root) && resolve(dir) !== resolve(tmpdir())
}

function orchestratorAlive(state: RunState): boolean {
  return isAlive(state.orchestratorPid, state.orchestratorStart)
}

/** The replica kinds `states` used, and `also`; every kind when a state does not say (an older lbbench's). */
function kindsUsed(states: RunState[], also: string): Set<string> {
  if (states.some((s) => s.replicaKind === undefined)) return new Set(replicaKinds.names)
  // A run whose load ran as a Swarm job leaves what swarm replicas would: the swarm sweep finds it.
  return new Set([...states.flatMap((s) => [s.replicaKind!, ...(s.generatorsOn ? ['swarm'] : [])]), also])
}

export async function cleanLeftovers(opts: CleanOptions = {}): Promise<CleanReport> {
  const report: CleanReport = {runs: [], processes: [], containers: [], folders: [], stateFiles: [], leftAlone: [], notes: []}
  const dry = opts.dryRun ?? false
  // An abandoned write comes after the state file it was to replace: its state is the newer one.
  const {states, broken} = await readStateFolder()
  const live = new Set<string>()
  const dead = new Map<string, {files: string[]; state: RunState}>()
  for (const {file, state} of states) {
    if (orchestratorAlive(state)) {
      live.add(state.runId)
      report.leftAlone.push(`run ${state.runId} is still running (pid ${state.orchestratorPid}): left alone`)
    } else dead.set(state.runId, {files: [...(dead.get(state.runId)?.files ?? []), file], state})
  }
  report.stateFiles.push(...broken)

  for (const [runId, {files, state}] of dead) {
    report.runs.push(runId)
    const pids = new Set<number>()
    for (const pid of state.pids ?? []) if (belongsToRun(pid, runId)) pids.add(pid)
    for (const pid of processesOfRun(runId)) pids.add(pid)
    for (const pid of pids) {
      if (!inOurPidNamespace(pid)) continue
      report.processes.push({pid, runId})
      if (!dry) killProcess(pid)
    }
    for (const dir of state.tempDirs ?? []) {
      if (!isTempFolder(dir)) {
        report.leftAlone.push(`run ${runId}: ${dir} is not in ${tmpdir()}: left alone`)
        continue
      }
      report.folders.push(dir)
      if (!dry) await rm(dir, {recursive: true, force: true})
    }
    report.stateFiles.push(...files)
  }

  const sweep = {live, dead: new Set(dead.keys()), dryRun: dry, engineTimeoutMs: opts.dockerTimeoutMs ?? 3000, report}
  const kinds = opts.onlyKindsUsedAnd === undefined ? undefined : kindsUsed([...dead.values()].map((d) => d.state), opts.onlyKindsUsedAnd)
  for (const kind of replicaKinds.all) if (!kinds || kinds.has(kind.name)) await kind.leftovers.sweep?.(sweep)

  // State files go last: if anything above failed, the next `clean` still knows about the run.
  if (!dry) for (const file of report.stateFiles) await rm(file, {force: true})
  return report
}
