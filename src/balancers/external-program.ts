// Shared by the nginx and HAProxy balancers: the program's version, its config check, and starting it in
// the foreground under the orphan guard on a free port, retrying another port when the one we probed was
// taken in between.
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {readFileSync} from 'node:fs'
import {RunError} from '../model/errors.js'
import {freePort, releasePort} from '../process/free-port.js'
import {spawnGuarded, type GuardedProcess} from '../process/guarded-spawn.js'
import {waitForHttp} from '../process/wait-http.js'

const exec = promisify(execFile)

/** stdout + stderr of a program that may exit non-zero (`nginx -v` prints to stderr). */
export async function programOutput(file: string, args: string[]): Promise<{ok: boolean; text: string}> {
  try {
    const {stdout, stderr} = await exec(file, args, {timeout: 10_000})
    return {ok: true, text: `${stdout}${stderr}`.trim()}
  } catch (err) {
    const e = err as {stdout?: string; stderr?: string; message: string}
    return {ok: false, text: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message}
  }
}

export interface StartOptions {
  /** Program name, for messages. */
  name: string
  file: string
  /** Writes the config for `port`, checks it (throwing RunError) and returns the program's arguments. */
  prepare: (port: number) => Promise<string[]>
  /** Receives the program's stdout and stderr. */
  output: string
  /** It answers HTTPS (balancer.tls). */
  tls?: boolean
  readyTimeoutMs?: number
}

export async function startOnFreePort(o: StartOptions): Promise<{process: GuardedProcess; port: number}> {
  const tries = 5
  for (let attempt = 1; ; attempt++) {
    // The port stays handed out while the program runs (for the rest of this process: at most one a run).
    const port = await freePort()
    const args = await o.prepare(port)
    const p = await spawnGuarded(o.file, args, {output: o.output})
    const ready = await waitForHttp(`${o.tls ? 'https' : 'http'}://127.0.0.1:${port}/`, o.readyTimeoutMs ?? 10_000, () => p.hasExited)
    if (ready) return {process: p, port}
    await p.stop()
    releasePort(port)
    const said = tail(o.output)
    if (/address already in use/i.test(said) && attempt < tries) continue
    throw new RunError(`${o.name} did not start answering on 127.0.0.1:${port}.${said ? ` It said:\n${said}` : ''}`)
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-10).join('\n')
  } catch {
    return ''
  }
}
