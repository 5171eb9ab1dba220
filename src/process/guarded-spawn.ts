// Starts a program that must not outlive the orchestrator, through the orphan guard (orphan-guard.ts).
// Use it for every external program lbbench runs (nginx, haproxy, process replicas):
//
//   const p = await spawnGuarded('nginx', ['-c', file, '-g', 'daemon off;'], {output: logFile})
//   p.pid          // the program (leader of its own process group)
//   p.exited       // resolves with {code, signal} when it ends
//   await p.stop() // SIGTERM to the group, SIGKILL after a grace time; resolves when it is gone
//
// If the orchestrator dies, the guard sees its IPC channel close and kills the program's group within 1 s.
import {fork, type ChildProcess} from 'node:child_process'
import {closeSync, openSync} from 'node:fs'
import {childEntry} from './child-entry.js'
import {groupMembers} from './process-group.js'

export interface GuardedSpawnOptions {
  cwd?: string
  env?: Record<string, string>
  /** File that receives the program's stdout and stderr (appended); absent = discarded. */
  output?: string
}

export interface ProgramExit {
  code: number | null
  signal: NodeJS.Signals | null
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

export async function spawnGuarded(command: string, args: string[], opts: GuardedSpawnOptions = {}): Promise<GuardedProcess> {
  const entry = childEntry('process/orphan-guard')
  const outFd = opts.output ? openSync(opts.output, 'a', 0o600) : 'ignore'
  let guard: ChildProcess
  try {
    guard = fork(entry.file, [], {
      execArgv: entry.execArgv,
      stdio: ['ignore', outFd, outFd, 'ipc'],
      cwd: opts.cwd,
    })
  } finally {
    if (typeof outFd === 'number') closeSync(outFd)
  }

  let resolveExit!: (e: ProgramExit) => void
  const exited = new Promise<ProgramExit>((r) => (resolveExit = r))
  let hasExited = false
  const finish = (e: ProgramExit): void => {
    if (hasExited) return
    hasExited = true
    resolveExit(e)
  }

  const pid = await new Promise<number>((resolve, reject) => {
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
        finish({code: m.code ?? null, signal: m.signal ?? null})
      }
    })
    guard.send({type: 'spawn', command, args, cwd: opts.cwd, env: opts.env})
  })
  // The guard exits right after the program; if the guard itself is killed, the program is orphaned in
  // its own group: report that as an exit too, after making sure the group is gone.
  guard.once('exit', () => {
    if (!hasExited) {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {
        // gone already
      }
      finish({code: null, signal: 'SIGKILL'})
    }
  })
  // Neither the guard nor its channel may keep the orchestrator's event loop alive.
  guard.unref()
  guard.channel?.unref()

  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal)
    } catch {
      // ESRCH: gone already
    }
  }

  return {
    pid,
    guardPid: guard.pid!,
    exited,
    get hasExited() {
      return hasExited
    },
    pids: () => [guard.pid!, ...(hasExited ? [] : groupMembers(pid))],
    signal: signalGroup,
    async stop({signal = 'SIGTERM', graceMs = 1500} = {}) {
      if (!hasExited) {
        signalGroup(signal)
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs)
        await exited
        clearTimeout(timer)
      }
      // Workers can outlive a master that was killed hard.
      signalGroup('SIGKILL')
      if (guard.exitCode === null && guard.signalCode === null) {
        await new Promise<void>((r) => {
          const t = setTimeout(() => {
            guard.kill('SIGKILL')
            r()
          }, 1000)
          guard.once('exit', () => {
            clearTimeout(t)
            r()
          })
        })
      }
      return exited
    },
  }
}
