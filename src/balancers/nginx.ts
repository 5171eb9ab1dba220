// nginx as the balancer under test (`balancer.kind: nginx`). lbbench writes nginx.conf (generated, or
// your own rendered from its template: nginx-own.ts) into <runDir>/nginx/ (0700) and runs
// `nginx -c … -p … -g 'daemon off;'` in the foreground under the orphan guard, on a free port below 32768 (nginx cannot listen on port 0). Per-backend numbers come from the
// access log and state changes from the error log (nginx OSS exposes neither otherwise): nginx-logs.ts.
// balancer.mode tcp: the stream module instead of http (nginx-stream-config.ts), one log line per session.
// A restarted replica on a new port: the config is rewritten, checked with `nginx -t`, and nginx is
// reloaded with SIGHUP (new workers; nginx's peer state such as max_fails counts starts over). One back
// on its old port (process and cluster replicas restart there) needs nothing.
import {EventEmitter} from 'node:events'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Balancer, BalancerEvents, BalancerOptions, BalancerStats} from './balancer.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import {missingProgram, RunError, ScenarioError} from '../model/errors.js'
import {findProgram} from '../process/find-program.js'
import type {GuardedProcess} from '../process/guarded-spawn.js'
import {LogTail} from '../process/log-tail.js'
import {groupMembers} from '../process/process-group.js'
import {nginxConfig} from './nginx-config.js'
import {openFilesHardLimit} from '../process/open-files-limit.js'
import {NginxLogAnalysis} from './nginx-logs.js'
import {nginxStreamAccessLog, nginxStreamConfig} from './nginx-stream-config.js'
import {streamModuleToLoad} from './nginx-stream-module.js'
import {renderOwnNginx, type OwnNginxConfig} from './nginx-own.js'
import {checkerProblem} from './own-config.js'
import {parseVersion, versionAtLeast} from './program-version.js'
import {programOutput, startOnFreePort} from './external-program.js'

const pollMs = 250

/** `nginx -t` with `args` (which name `confFile`): RunError with what nginx said when it rejects the file. */
export async function checkNginxConfig(program: string, confFile: string, args: string[]): Promise<void> {
  const test = await programOutput(program, ['-t', '-q', ...args])
  if (!test.ok) throw new RunError(`nginx rejected the generated configuration (${confFile}):\n${test.text}`)
}

export class NginxBalancer extends EventEmitter<BalancerEvents> implements Balancer {
  readonly kind = 'nginx'
  private readonly dir: string
  private readonly confFile: string
  private file?: string
  private versionText?: string
  private text?: string
  /** balancer.config: your own nginx.conf as rendered for the run. */
  private own?: OwnNginxConfig
  private port = 0
  private backends: ReplicaAddress[] = []
  private proc?: GuardedProcess
  private stopping = false
  private analysis?: NginxLogAnalysis
  private accessTail: LogTail
  private errorTail: LogTail
  private poller?: NodeJS.Timeout

  constructor(private readonly opts: BalancerOptions) {
    super()
    this.dir = join(opts.runDir, 'nginx')
    this.confFile = join(this.dir, 'nginx.conf')
    this.accessTail = new LogTail(join(this.dir, 'access.log'))
    this.errorTail = new LogTail(join(this.dir, 'error.log'))
  }

  private program(): string {
    this.file ??= findProgram('nginx')
    if (!this.file) throw missingProgram('nginx', 'nginx')
    return this.file
  }

  async version(): Promise<string | undefined> {
    if (this.versionText === undefined) {
      const out = await programOutput(this.program(), ['-v'])
      const v = parseVersion(out.text)
      if (!v) throw new RunError(`could not read nginx's version from \`nginx -v\`: ${out.text}`)
      this.versionText = v
    }
    return `nginx/${this.versionText}`
  }

  /** balancer.mode tcp: nginx's stream module balances connections (nginx-stream-config.ts). */
  private get tcp(): boolean {
    return this.opts.loaded.scenario.balancer.mode === 'tcp'
  }

  /** Mode tcp: the stream module to load (undefined: built in), from `nginx -V`. */
  private async streamModule(): Promise<string | undefined> {
    return streamModuleToLoad((await programOutput(this.program(), ['-V'])).text)
  }

  /** Arguments shared by -t, the run and reloads; -e (≥ 1.19.5) keeps nginx away from /var/log/nginx. */
  private baseArgs(): string[] {
    const args = ['-c', this.confFile, '-p', `${this.dir}/`]
    if (versionAtLeast(this.versionText!, '1.19.5')) args.push('-e', join(this.dir, 'error.log'))
    return args
  }

  /** The top-level directives given with -g: your own configuration's are what lbbench adds to it. */
  private globals(): string {
    return this.own?.globals ?? 'daemon off;'
  }

  private async writeChecked(): Promise<void> {
    const {scenario, file} = this.opts.loaded
    const asRoot = process.getuid?.() === 0
    const tls = this.opts.tls
    if (scenario.balancer.config) {
      this.own = renderOwnNginx({scenario, scenarioFile: file, backends: this.backends, port: this.port, dir: this.dir, asRoot, tls})
      this.text = this.own.rendered.text
    } else {
      const input = {scenario, backends: this.backends, port: this.port, dir: this.dir, version: this.versionText!, asRoot, tls, workerProcesses: scenario.balancer.workers, openFilesLimit: openFilesHardLimit()}
      this.text = this.tcp ? nginxStreamConfig({...input, streamModule: await this.streamModule()}) : nginxConfig(input)
    }
    writeFileSync(this.confFile, this.text, {mode: 0o600})
    // A copy next to the report's other files, for --print-config and later reading.
    writeFileSync(join(this.opts.runDir, 'nginx.conf'), this.text, {mode: 0o600})
    if (!this.own) return checkNginxConfig(this.program(), this.confFile, this.baseArgs())
    // Your own configuration: what nginx says of it points at the template's own line (exit 2).
    const test = await programOutput(this.program(), ['-t', '-q', ...this.baseArgs(), '-g', this.globals()])
    if (!test.ok) throw new ScenarioError([checkerProblem('nginx -t', test.text, this.confFile, this.own.rendered, this.own.template)])
  }

  async start(backends: ReplicaAddress[]): Promise<string[]> {
    const file = this.program()
    const tls = this.opts.tls
    await this.version()
    this.backends = backends.map((b) => ({...b}))
    mkdirSync(this.dir, {recursive: true, mode: 0o700})
    mkdirSync(join(this.dir, 'temp'), {mode: 0o700})
    this.analysis = new NginxLogAnalysis(new Map(backends.map((b) => [`${b.host}:${b.port}`, b.id])), this.tcp ? nginxStreamAccessLog : undefined)
    const {process: proc, port} = await startOnFreePort({
      name: 'nginx',
      file,
      output: join(this.dir, 'stderr.log'),
      prepare: async (p) => {
        this.port = p
        await this.writeChecked()
        return [...this.baseArgs(), '-g', this.globals()]
      },
      tls: tls !== undefined,
    })
    this.proc = proc
    this.port = port
    const what = this.own ? `your ${this.own.template} with lbbench's additions (its logs, marked "# lbbench:"; -g '${this.globals()}')` : 'config'
    this.opts.log(`nginx ${this.versionText} listening on 127.0.0.1:${port}${tls ? ' (TLS)' : ''} (${what}: ${this.confFile})`)
    void proc.exited.then((e) => {
      if (!this.stopping) this.emit('exit', `nginx exited (code ${e.code}, signal ${e.signal})`)
    })
    this.poller = setInterval(() => this.poll(), pollMs)
    this.poller.unref()
    return [`${tls ? 'https' : 'http'}://127.0.0.1:${port}`]
  }

  private poll(): void {
    if (!this.analysis) return
    for (const change of this.analysis.feed(this.errorTail.read(), this.accessTail.read())) this.emit('backend-state', change)
  }

  async updateBackend(backend: ReplicaAddress): Promise<void> {
    const i = this.backends.findIndex((b) => b.id === backend.id)
    if (i < 0) throw new RunError(`nginx: no backend ${backend.id} to update`)
    // Back on the same address (replicas restart on their old port): nothing to change. A reload would
    // only cost something: idle client keep-alive connections reset, and peer state starts over.
    const before = this.backends[i]
    if (before.host === backend.host && before.port === backend.port) return
    this.backends[i] = {...backend}
    this.analysis?.setAddress(`${backend.host}:${backend.port}`, backend.id)
    await this.writeChecked()
    if (!this.proc || this.proc.hasExited) return
    // Done when the master has started new workers and the old ones (with the old addresses) have
    // gone. Old workers close their idle keep-alive client connections as they go: a client that sends
    // on one at that moment sees a reset. That is what an nginx reload does to clients.
    const master = this.proc.pid
    const oldWorkers = groupMembers(master).filter((p) => p !== master)
    const errors = new LogTail(join(this.dir, 'error.log'))
    errors.skipToEnd()
    process.kill(master, 'SIGHUP')
    const until = Date.now() + 5000
    let started = false
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20))
      const lines = errors.read()
      const failed = lines.find((l) => /\[(emerg|alert)\]/.test(l))
      if (failed) throw new RunError(`nginx could not reload with ${backend.id} at ${backend.host}:${backend.port}: ${failed}`)
      started ||= lines.some((l) => /start worker process/.test(l))
      if (started && !oldWorkers.some((p) => groupMembers(master).includes(p))) return
    }
    throw new RunError(`nginx did not reload within 5 s after ${backend.id} moved to ${backend.host}:${backend.port}`)
  }

  async stats(): Promise<BalancerStats> {
    // nginx logs a request just after its last byte went out: let the last lines of a run arrive.
    if (this.proc && !this.proc.hasExited) await new Promise((r) => setTimeout(r, 100))
    this.poll()
    return this.analysis?.stats() ?? {attempts: {}, retries: 0, failedAttempts: {}, noBackend: 0}
  }

  pids(): number[] {
    return this.proc && !this.proc.hasExited ? this.proc.pids() : []
  }

  config(): string | undefined {
    return this.text
  }

  async stop(): Promise<void> {
    this.stopping = true
    if (this.poller) clearInterval(this.poller)
    // SIGTERM is nginx's fast shutdown; SIGQUIT would wait for keep-alive clients.
    await this.proc?.stop({signal: 'SIGTERM', graceMs: 1500})
    this.poll()
  }
}
