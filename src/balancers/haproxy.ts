// HAProxy as the balancer under test (`balancer.kind: haproxy`). lbbench writes haproxy.cfg (generated, or
// your own rendered from its template: haproxy-own.ts) into
// <runDir>/haproxy/ (0700), checks it with `haproxy -c`, and runs `haproxy -f … -db` in the foreground
// under the orphan guard on a free port. The stats socket in that folder (or in a short private folder in
// the system's temp folder, when the run's folder is too deep for a unix socket path) is polled with `show stat`
// every 100 ms: per-server status changes become backend-state events (at most one poll late), the
// counters' increases become 100 ms attempt buckets (counter-buckets.ts), and the counters become stats(). A restarted replica on a new port is moved with the runtime API
// (`set server <backend>/<id> addr … port …`), without a reload.
import {EventEmitter} from 'node:events'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Balancer, BalancerEvents, BalancerOptions, BalancerStats} from './balancer.js'
import {CounterBuckets} from './counter-buckets.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import {missingProgram, RunError, ScenarioError} from '../model/errors.js'
import {findProgram} from '../process/find-program.js'
import type {GuardedProcess} from '../process/guarded-spawn.js'
import {openFilesHardLimit} from '../process/open-files-limit.js'
import {haproxyBackendName, haproxyConfig, haproxySocketPathMax, haproxyStatsSocket} from './haproxy-config.js'
import {renderOwnHaproxy} from './haproxy-own.js'
import {haproxyCommand, num, parseShowStat, serverState, type StatRow} from './haproxy-stats.js'
import {checkerProblem} from './own-config.js'
import {parseVersion} from './program-version.js'
import {programOutput, startOnFreePort} from './external-program.js'

const pollMs = 100

/** `haproxy -c`: RunError with HAProxy's alerts when it rejects `confFile` (-q would hide them). */
export async function checkHaproxyConfig(program: string, confFile: string): Promise<void> {
  const check = await programOutput(program, ['-c', '-f', confFile])
  if (check.ok) return
  const said = check.text.split('\n').filter((l) => !/^\[NOTICE\]/.test(l)).join('\n')
  throw new RunError(`HAProxy rejected the generated configuration (${confFile}):\n${said}`)
}

export class HaproxyBalancer extends EventEmitter<BalancerEvents> implements Balancer {
  readonly kind = 'haproxy'
  private readonly dir: string
  private readonly confFile: string
  private file?: string
  private versionText?: string
  private text?: string
  /** The backend whose servers are the replicas: lbbench's own, or the one of your configuration that holds {{servers}}. */
  private backendName = haproxyBackendName
  private proc?: GuardedProcess
  private stopping = false
  private poller?: NodeJS.Timeout
  private polling = false
  private ids = new Set<string>()
  private states = new Map<string, 'up' | 'down'>()
  private lastRows: StatRow[] = []
  private readonly buckets = new CounterBuckets()
  /** A short private folder for the stats socket when the run's folder is too deep for one (compare's runs) or has a `$`. */
  private socketDir?: string

  constructor(private readonly opts: BalancerOptions) {
    super()
    this.dir = join(opts.runDir, 'haproxy')
    this.confFile = join(this.dir, 'haproxy.cfg')
  }

  private program(): string {
    this.file ??= findProgram('haproxy')
    if (!this.file) throw missingProgram('haproxy', 'haproxy')
    return this.file
  }

  async version(): Promise<string | undefined> {
    if (this.versionText === undefined) {
      const out = await programOutput(this.program(), ['-v'])
      const v = parseVersion(out.text)
      if (!v) throw new RunError(`could not read HAProxy's version from \`haproxy -v\`: ${out.text}`)
      this.versionText = v
    }
    return `haproxy/${this.versionText}`
  }

  private get socket(): string {
    return haproxyStatsSocket(this.socketDir ?? this.dir)
  }

  async start(backends: ReplicaAddress[]): Promise<string[]> {
    const file = this.program()
    await this.version()
    this.ids = new Set(backends.map((b) => b.id))
    mkdirSync(this.dir, {recursive: true, mode: 0o700})
    // HAProxy expands environment variables in addresses, quoted or not: a `$` in the folder's path would
    // turn the socket's path into another one.
    const own = haproxyStatsSocket(this.dir)
    if (own.length > haproxySocketPathMax || own.includes('$')) this.socketDir = mkdtempSync(join(tmpdir(), 'lbbench-haproxy-'))
    const {process: proc, port} = await startOnFreePort({
      name: 'haproxy',
      file,
      output: join(this.dir, 'haproxy.log'),
      prepare: async (p) => {
        await this.writeChecked(file, backends, p)
        return ['-f', this.confFile, '-db']
      },
      tls: this.opts.tls !== undefined,
    })
    this.proc = proc
    const what = this.opts.loaded.scenario.balancer.config ? "your configuration with lbbench's stats socket (marked \"# lbbench:\")" : 'config'
    this.opts.log(`HAProxy ${this.versionText} listening on 127.0.0.1:${port}${this.opts.tls ? ' (TLS)' : ''} (${what}: ${this.confFile})`)
    void proc.exited.then((e) => {
      if (!this.stopping) this.emit('exit', `haproxy exited (code ${e.code}, signal ${e.signal})`)
    })
    await this.poll()
    this.poller = setInterval(() => void this.poll(), pollMs)
    this.poller.unref()
    return [`${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`]
  }

  /** Writes haproxy.cfg for `port` (generated, or your own rendered) and has HAProxy check it. */
  private async writeChecked(file: string, backends: ReplicaAddress[], port: number): Promise<void> {
    const {scenario, file: scenarioFile} = this.opts.loaded
    const tls = this.opts.tls
    const own = scenario.balancer.config ? renderOwnHaproxy({scenario, scenarioFile, backends, port, socket: this.socket, tls}) : undefined
    this.text = own?.rendered.text ?? haproxyConfig({scenario, backends, port, dir: this.dir, socket: this.socket, version: this.versionText!, tls, threads: scenario.balancer.workers, openFilesLimit: openFilesHardLimit()})
    if (own) this.backendName = own.backend
    writeFileSync(this.confFile, this.text, {mode: 0o600})
    writeFileSync(join(this.opts.runDir, 'haproxy.cfg'), this.text, {mode: 0o600})
    if (!own) return checkHaproxyConfig(file, this.confFile)
    // Your own configuration: what HAProxy says of it points at the template's own line (exit 2).
    const check = await programOutput(file, ['-c', '-f', this.confFile])
    if (!check.ok) throw new ScenarioError([checkerProblem('haproxy -c', check.text, this.confFile, own.rendered, own.template)])
  }

  /** This run's server rows of `show stat` (kept, so that stats() still answers after stop()). */
  private async fetchRows(): Promise<StatRow[]> {
    if (!this.proc || this.proc.hasExited) return this.lastRows
    const rows = parseShowStat(await haproxyCommand(this.socket, 'show stat')).filter(
      (r) => r.pxname === this.backendName && this.ids.has(r.svname),
    )
    if (rows.length) this.lastRows = rows
    return rows
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.proc || this.proc.hasExited) return
    this.polling = true
    try {
      const rows = await this.fetchRows()
      const now = Date.now()
      this.buckets.add(now, Object.fromEntries(rows.map((r) => [r.svname, {attempts: attemptsOf(r), failed: failedOf(r)}])))
      for (const row of rows) {
        const id = row.svname
        const state = serverState(row.status ?? '')
        const before = this.states.get(id) ?? 'up'
        this.states.set(id, state)
        if (state !== before) {
          const why = [row.check_status, row.last_chk].filter(Boolean).join(': ')
          this.emit('backend-state', {id, state, reason: `${row.status}${why ? ` (${why})` : ''}`, epochMs: now})
        }
      }
    } catch {
      // HAProxy is stopping or busy: the next poll tries again.
    } finally {
      this.polling = false
    }
  }

  /**
   * Mode tcp: HAProxy adds a session's bytes to its server's bin and bout when the session ends, and the
   * generator's connections (kept from phase to phase) close only when the load stops, just before this
   * is read. The rows once no server has a session left, or after at most about 1 s.
   */
  private async closedSessionRows(): Promise<StatRow[]> {
    const end = Date.now() + 1000
    for (;;) {
      const rows = await this.fetchRows().catch(() => this.lastRows)
      if (Date.now() >= end || rows.every((r) => num(r, 'scur') === 0)) return rows
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  async updateBackend(backend: ReplicaAddress): Promise<void> {
    const answer = await haproxyCommand(this.socket, `set server ${this.backendName}/${backend.id} addr ${backend.host} port ${backend.port}`)
    if (!/changed|no need to change/i.test(answer)) {
      throw new RunError(`HAProxy refused to move ${backend.id} to ${backend.host}:${backend.port}: ${answer.trim()}`)
    }
  }

  async stats(): Promise<BalancerStats> {
    const tcp = this.opts.loaded.scenario.balancer.mode === 'tcp'
    const rows = tcp ? await this.closedSessionRows() : await this.fetchRows().catch(() => this.lastRows)
    const per = (f: (r: StatRow) => number): Record<string, number> => Object.fromEntries(rows.map((r) => [r.svname, f(r)]))
    const responses = (r: StatRow): number => ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'].reduce((n, f) => n + num(r, f), 0)
    // Mode tcp: a session is a connection; bin and bout are the bytes to and from the server.
    const served = tcp
      ? {connections: per((r) => num(r, 'stot')), bytesToBackend: per((r) => num(r, 'bin')), bytesFromBackend: per((r) => num(r, 'bout'))}
      : {requests: per(responses)}
    return {
      attempts: per(attemptsOf),
      retries: rows.reduce((n, r) => n + num(r, 'wretr') + num(r, 'wredis'), 0),
      failedAttempts: per(failedOf),
      attemptBuckets: this.buckets.list(),
      // HAProxy does not count "no server available" 503s apart from its other 503s.
      noBackend: 0,
      ...served,
    }
  }

  pids(): number[] {
    return this.proc && !this.proc.hasExited ? this.proc.pids() : []
  }

  config(): string | undefined {
    return this.text
  }

  async stop(): Promise<void> {
    if (this.poller) clearInterval(this.poller)
    await this.poll()
    this.stopping = true
    // SIGTERM is HAProxy's immediate stop (SIGUSR1 would wait for connections to end).
    await this.proc?.stop({signal: 'SIGTERM', graceMs: 1500})
    if (this.socketDir) rmSync(this.socketDir, {recursive: true, force: true})
  }
}

// stot counts every session sent to a server, failed ones too; a retry on the same server adds to wretr
// only; a failed attempt retried elsewhere (option redispatch) adds to wredis of the server it failed on.
// econ/eresp count attempts that failed for good (no try left).
const attemptsOf = (r: StatRow): number => num(r, 'stot') + num(r, 'wretr')
const failedOf = (r: StatRow): number => num(r, 'econ') + num(r, 'eresp') + num(r, 'wretr') + num(r, 'wredis')
