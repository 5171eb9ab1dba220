// Starts a program that must not outlive the orchestrator, through the orphan guard (orphan-guard.ts).
// Use it for every external program lbbench runs (nginx, haproxy, process replicas):
//
//   const p = await spawnGuarded('nginx', ['-c', file, '-g', 'daemon off;'], {output: logFile})
//   p.pid          // the program (leader of its own process group)
//   p.exited       // resolves with {code, signal} when it ends
//   await p.stop() // SIGTERM to the group, SIGKILL after a grace time; resolves when it is gone
//
// If the orchestrator dies, the guard sees its IPC channel close and kills the program's group within 1 s.
import type {ChildProcess} from 'node:child_process'
import {deferred} from '../model/deferred.js'
import {endChild} from './end-child.js'
import {forkModule} from './fork-module.js'
import {groupMembers} from './process-group.js'
import type {ProgramExit} from './program-exit.js'

export interface GuardedSpawnOptions {
  cwd?: string
  env?: Record<string, string>
  /** File that receives the program's stdout and stderr (appended); absent = discarded. */
  output?: string
}

export interface GuardedProcess {
  /** The program's pid, also its process group id. */
  readonly pid: number
  /** The guard's pid. */
  readonly guardPid: number
  readonly exited: Promise<ProgramExit>
  /** True once the program has exited. */
  readonly hasExited: boolean
  /** The guard, the program and everything in the program's process group. */
  pids(): number[]
  /** Sends a signal to the program's whole process group. */
  signal(signal: NodeJS.Signals): void
  /** SIGTERM (or `signal`) to the group, SIGKILL after `graceMs`; resolves when the program is gone. */
  stop(opts?: {signal?: NodeJS.Signals; graceMs?: number}): Promise<ProgramExit>
}

/** The program's exit, settled once: by the guard's `exit` message, or by the guard's own end. */
interface ExitWatch {
  readonly exited: Promise<ProgramExit>
  readonly done: boolean
  finish(exit: ProgramExit): void
}

function watchExit(): ExitWatch {
  const exit = deferred<ProgramExit>()
  let done = false
  return {
    exited: exit.promise,
    get done() {
      return done
    },
    finish(e) {
      if (done) return
      done = true
      exit.resolve(e)
    },
  }
}

export async function spawnGuarded(command: string, args: string[], opts: GuardedSpawnOptions = {}): Promise<GuardedProcess> {
  const guard = forkModule({module: 'process/orphan-guard', output: opts.output ? {file: opts.output} : 'ignore', cwd: opts.cwd})
  const exit = watchExit()
  const pid = await startThroughGuard(guard, command, args, opts, exit)
  // The guard exits right after the program; if the guard itself is killed, the program is orphaned in
  // its own group: report that as an exit too, after making sure the group is gone.
  guard.once('exit', () => {
    if (exit.done) return
    signalGroup(pid, 'SIGKILL')
    exit.finish({code: null, signal: 'SIGKILL'})
  })
  // Neither the guard nor its channel may keep the orchestrator's event loop alive.
  guard.unref()
  guard.channel?.unref()
  return guarded(guard, pid, exit)
}

/** Has the guard start the program; resolves with the program's pid. Its later `exit` message settles `exit`. */
function startThroughGuard(guard: ChildProcess, command: string, args: string[], opts: GuardedSpawnOptions, exit: ExitWatch): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      reject(new Error(`the process guard for ${command} exited before starting it (code ${code}, signal ${signal})`))
    }
    guard.once('exit', onExit)
    guard.once('error', reject)
    guard.on('message', (raw) => {
      const m = raw as {type: string; pid?: number; message?: string; code?: number | null; signal?: NodeJS.Signals | null}
      if (m.type === 'spawned' && m.pid) {
        guard.off('exit', onExit)
        resolve(m.pid)
      } else if (m.type === 'spawn-error') {
        guard.off('exit', onExit)
        reject(new Error(`${command}: ${m.message}`))
      } else if (m.type === 'exit') {
        exit.finish({code: m.code ?? null, signal: m.signal ?? null})
      }
    })
    guard.send({type: 'spawn', command, args, cwd: opts.cwd, env: opts.env})
  })
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {
    // ESRCH: gone already
  }
}

function guarded(guard: ChildProcess, pid: number, exit: ExitWatch): GuardedProcess {
  return {
    pid,
    guardPid: guard.pid!,
    exited: exit.exited,
    get hasExited() {
      return exit.done
    },
    pids: () => [guard.pid!, ...(exit.done ? [] : groupMembers(pid))],
    signal: (signal) => signalGroup(pid, signal),
    async stop({signal = 'SIGTERM', graceMs = 1500} = {}) {
      if (!exit.done) {
        signalGroup(pid, signal)
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs)
        await exit.exited
        clearTimeout(timer)
      }
      // Workers can outlive a master that was killed hard.
      signalGroup(pid, 'SIGKILL')
      await endChild(guard, () => {}, 1000)
      return exit.exited
    },
  }
}
