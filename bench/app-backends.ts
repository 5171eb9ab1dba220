// The built-in app replicas as lbbench's `process` kind runs them (dist/replicas/app/standalone.js, one
// process each, 12-byte `Hello World!`, stamped), for the benches that start balancers themselves but
// should put behind them the same app the balancer bench's runs do. Started with an IPC channel, so each
// exits when this process does, however it ends.

import {fork, type ChildProcess} from 'node:child_process'
import {compiledFile} from './compiled-cli.js'

export interface AppBackends {
  ports: number[]
  pids: number[]
  stop(): Promise<void>
}

export async function startAppBackends(count: number): Promise<AppBackends> {
  const entry = compiledFile('replicas/app/standalone')
  const children: ChildProcess[] = []
  const stop = async (): Promise<void> => {
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null)
    await Promise.all(running.map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGTERM')))))
  }
  try {
    const ports: number[] = []
    for (let i = 1; i <= count; i++) {
      const child = fork(entry, [], {execArgv: [], env: {...process.env, PORT: '0', REPLICA: `r${i}`}, stdio: ['ignore', 'pipe', 'inherit', 'ipc']})
      children.push(child)
      ports.push(await listeningPort(child))
    }
    return {ports, pids: children.map((c) => c.pid!), stop}
  } catch (error) {
    await stop()
    throw error
  }
}

/** The port in the app's first stdout line ({"type":"listening",…,"port":N}); it has 10 s to print it. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error('an app replica did not listen within 10 s')), 10_000)
    const read = (d: string): void => {
      text += d
      const end = text.indexOf('\n')
      if (end < 0) return
      child.stdout!.off('data', read)
      clearTimeout(timer)
      try {
        resolve((JSON.parse(text.slice(0, end)) as {port: number}).port)
      } catch {
        reject(new Error(`an app replica printed ${text.slice(0, end)} instead of its port`))
      }
    }
    child.stdout!.setEncoding('utf8').on('data', read)
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`an app replica exited with ${code} before it listened`))))
  })
}
