// The orphan guard: a tiny Node process between the orchestrator and a program that cannot notice its
// parent dying (nginx, haproxy, a replica's shell command). It holds the IPC channel to the orchestrator;
// when that channel closes (the orchestrator exited, crashed or was SIGKILLed) it kills the program's whole
// process group, so no nginx master or worker outlives a run. Started by spawnGuarded() (guarded-spawn.ts).
//
// Protocol: the parent sends one {type: 'spawn', command, args, cwd?, env?}; the guard answers
// {type: 'spawned', pid} or {type: 'spawn-error', message}, later {type: 'exit', code, signal}, and exits
// itself once the program has exited. The program gets the guard's stdout/stderr (the parent decides
// where those go) and its own process group (pgid = its pid), so the parent may signal -pid directly.
import {spawn, type ChildProcess} from 'node:child_process'

interface SpawnMessage {
  type: 'spawn'
  command: string
  args: string[]
  cwd?: string
  env?: Record<string, string>
}

/** Time the program gets to end on SIGTERM before its group is SIGKILLed (the 2 s rule needs < 2 s). */
const graceMs = 1000

let child: ChildProcess | undefined

function killGroup(signal: NodeJS.Signals): void {
  if (!child?.pid) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // ESRCH: the group is gone already.
  }
}

function shutdown(): void {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) {
    killGroup('SIGKILL')
    process.exit(0)
  }
  killGroup('SIGTERM')
  // The master may exit before its workers: SIGKILL whatever is left of the group either way.
  const hard = setTimeout(() => {
    killGroup('SIGKILL')
    process.exit(0)
  }, graceMs)
  child.once('exit', () => {
    clearTimeout(hard)
    killGroup('SIGKILL')
    process.exit(0)
  })
}

if (!process.send) {
  console.error('orphan-guard must be started with an IPC channel (spawnGuarded)')
  process.exit(2)
}

process.on('disconnect', shutdown)
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)

process.once('message', (raw) => {
  const msg = raw as SpawnMessage
  if (msg?.type !== 'spawn') return
  try {
    child = spawn(msg.command, msg.args, {
      cwd: msg.cwd,
      env: msg.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
  } catch (err) {
    process.send?.({type: 'spawn-error', message: (err as Error).message})
    process.exit(1)
  }
  child.once('error', (err) => {
    process.send?.({type: 'spawn-error', message: err.message})
    process.exit(1)
  })
  child.once('spawn', () => process.send?.({type: 'spawned', pid: child!.pid}))
  child.once('exit', (code, signal) => {
    // Workers of a master that died on its own must not linger either.
    killGroup('SIGKILL')
    if (process.connected) process.send?.({type: 'exit', code, signal}, () => process.exit(0))
    else process.exit(0)
  })
})
