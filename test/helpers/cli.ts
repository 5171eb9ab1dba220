// Runs the lbbench CLI as a user would, and finds the processes a run left behind.
// The compiled CLI (bin/run.js) is used: `npm test` builds it first. For one file, `npm run build` first.
// Every report the run wrote must pass lbbench's own report check, or `done` rejects (written-reports.ts).
import {spawn, type ChildProcess} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {withValidDocuments} from './written-reports.js'

export const root = join(import.meta.dirname, '..', '..')
const bin = join(root, 'bin', 'run.js')

export interface CliRun {
  child: ChildProcess
  /** Every process the run starts inherits LBBENCH_TEST_MARK=<mark>. */
  mark: string
  stdout: () => string
  stderr: () => string
  /** Exit code (or 128 + signal number) and output, once it has exited; rejects when a report it wrote is not valid. */
  done: Promise<{code: number; stdout: string; stderr: string; ms: number}>
}

const SIGNALS: Record<string, number> = {SIGINT: 2, SIGKILL: 9, SIGTERM: 15}

/** `wrap`: a command line the CLI runs under, e.g. ['unshare', '-m', …] (it must exec its arguments). */
export function cli(args: string[], env: Record<string, string> = {}, wrap: string[] = []): CliRun {
  const mark = randomUUID()
  const started = Date.now()
  const command = [...wrap, process.execPath, bin, ...args]
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    env: {...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env, LBBENCH_TEST_MARK: mark},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  const done = new Promise<{code: number; stdout: string; stderr: string; ms: number}>((resolve) => {
    child.on('close', (code, signal) =>
      resolve({code: code ?? 128 + (SIGNALS[signal ?? ''] ?? 0), stdout: out, stderr: err, ms: Date.now() - started}),
    )
  }).then((result) => withValidDocuments(result, root))
  return {child, mark, stdout: () => out, stderr: () => err, done}
}

/** Waits until the run's stderr contains `text` (or fails after `ms`). */
export async function waitForOutput(run: CliRun, text: string | RegExp, ms = 30_000): Promise<void> {
  const until = Date.now() + ms
  const has = () => (typeof text === 'string' ? run.stderr().includes(text) : text.test(run.stderr()))
  while (!has()) {
    if (Date.now() > until) throw new Error(`no "${text}" in the output within ${ms} ms:\n${run.stderr()}`)
    if (run.child.exitCode !== null) throw new Error(`exited (${run.child.exitCode}) before "${text}":\n${run.stderr()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Live (non-zombie) processes carrying LBBENCH_TEST_MARK=<mark>: what a run started and left running. */
export function processesMarked(mark: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (!readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(`LBBENCH_TEST_MARK=${mark}`)) continue
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      if (!stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) pids.push(Number(name))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

/** Polls until no marked process is left, or `ms` passes; returns what is left. */
export function leftAfter(mark: string, ms: number): Promise<number[]> {
  return stillThereAfter(() => processesMarked(mark), ms)
}

/** Polls `find` until it finds no process, or `ms` passes; returns what it found last. */
export async function stillThereAfter(find: () => number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms
  let left = find()
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100))
    left = find()
  }
  return left
}

/** The report.json path the run printed on stderr. */
export function reportPath(stderr: string): string {
  const m = /report: (\S+report\.json)/.exec(stderr)
  if (!m) throw new Error(`no report path in:\n${stderr}`)
  return join(root, m[1])
}
