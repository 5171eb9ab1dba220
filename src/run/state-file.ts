// A run's state file: who runs it (the orchestrator's pid and start time), what it started (process ids,
// containers) and which temporary folders it made. Written while the run lives, removed when it ends.
// A state file left behind is a run whose orchestrator died without tidying up (SIGKILL, a power cut):
// `lbbench clean` reads these files to remove what it left.
//
// They live in <os.tmpdir()>/lbbench/runs/<runId>.json, a private folder (0700). Each is written to
// <runId>.json.<pid>.tmp and renamed over it; an orchestrator killed between the two leaves that file,
// which holds the run's newest state: `clean` reads it too and removes it (readStateFolder).
import {chmod, mkdir, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {isAlive, processStartTime} from '../process/processes-of-run.js'

export interface RunState {
  runId: string
  /** The run's folder (reports, logs). Never removed by `clean`: it holds the run's results. */
  runDir: string
  orchestratorPid: number
  /** The orchestrator's start time (/proc clock ticks), so a reused pid is not taken for a live run. */
  orchestratorStart?: number
  startedAt: string
  /** The kind of its replicas: what else than processes it may leave (docker: containers). */
  replicaKind?: string
  /** load.generators.on swarm: its load ran as a Swarm job, whose service and containers it may leave. */
  generatorsOn?: 'swarm'
  /** Processes (or process-group leaders) the run started. */
  pids: number[]
  containers?: string[]
  /** Temporary folders of the run, removed by `clean`. */
  tempDirs?: string[]
}

export function runStateDir(): string {
  return join(tmpdir(), 'lbbench', 'runs')
}

function stateFile(runId: string): string {
  return join(runStateDir(), `${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`)
}

/** Writes (or rewrites) the run's state file atomically. Returns its path. */
export async function writeRunState(state: Omit<RunState, 'orchestratorStart'> & {orchestratorStart?: number}): Promise<string> {
  const dir = runStateDir()
  await mkdir(dir, {recursive: true, mode: 0o700})
  await chmod(join(tmpdir(), 'lbbench'), 0o700).catch(() => {})
  await chmod(dir, 0o700).catch(() => {})
  const full: RunState = {...state, orchestratorStart: state.orchestratorStart ?? processStartTime(state.orchestratorPid)}
  const file = stateFile(state.runId)
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(full, null, 2) + '\n', {mode: 0o600})
  await rename(tmp, file)
  return file
}

export async function removeRunState(runId: string): Promise<void> {
  await rm(stateFile(runId), {force: true})
}

/** Every readable state file, with its path (abandoned writes' after the files they were to replace). */
export async function readRunStates(): Promise<Array<{file: string; state: RunState}>> {
  return (await readStateFolder()).states
}

/** writeRunState's file before its rename: <state file>.<the writer's pid>.tmp. */
const pendingWrite = /^.+\.json\.(\d+)\.tmp$/

/**
 * The state files, in one read of their folder: `states`, every readable one, then every abandoned write
 * that parses (one whose writer died before renaming it over the state file: the run's newer state); and
 * `broken`, the abandoned writes cut off mid-write. Unreadable or foreign .json files are skipped; a
 * write whose writer is alive is still in progress and left out.
 */
export async function readStateFolder(): Promise<{states: Array<{file: string; state: RunState}>; broken: string[]}> {
  let names: string[]
  try {
    names = (await readdir(runStateDir())).sort()
  } catch {
    return {states: [], broken: []}
  }
  const files = names.filter((n) => n.endsWith('.json'))
  const abandoned = names.filter((n) => pendingWrite.test(n) && !isAlive(Number(pendingWrite.exec(n)![1])))
  const states: Array<{file: string; state: RunState}> = []
  const broken: string[] = []
  for (const name of [...files, ...abandoned]) {
    const file = join(runStateDir(), name)
    const state = await parseState(file)
    if (state) states.push({file, state})
    else if (!name.endsWith('.json')) broken.push(file) // a .json that is not ours is left alone
  }
  return {states, broken}
}

async function parseState(file: string): Promise<RunState | undefined> {
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as RunState
    if (typeof state.runId === 'string' && Number.isInteger(state.orchestratorPid)) return state
  } catch {
    // half-written by a crash or not ours
  }
  return undefined
}
