// haproxy.cfg for a run, from the scenario (pure: no I/O). The stats socket lives in the run's private
// folder; HAProxy logs (server state changes, alerts; not per-request lines) go to its stdout.
//
// Mapping (strategy → `balance`, with the semantics of HAProxy's configuration manual). `balance` is always
// written: the default changed from roundrobin to random in HAProxy 3.3.
//   round-robin, weighted-round-robin → roundrobin (weights from replicas.overrides apply to every
//   strategy) · least-connections → leastconn · random → random(1) (plain `random` draws 2, i.e. p2c) ·
//   p2c → random(2) · ip-hash → source · consistent-hash → uri | source | hdr(NAME) + hash-type consistent.
//   health.active → option httpchk GET <path>, check inter/rise/fall, timeout check.
//   health.passive (no active) → a TCP `check inter <failTimeout> rise 1 fall 1` plus
//     `observe layer4|layer7 error-limit <maxFails> on-error mark-down`: HAProxy marks a server down on
//     traffic errors only through `observe`, which needs `check`; the TCP check brings it back after about
//     failTimeout, as nginx does. layer7 when statuses are listed (it counts 500, 502–504 as errors).
//   neither → no `check`: HAProxy never marks a server down by itself; only retries hide a dead one.
//   retries → retries N + option redispatch 1 (every retry goes to another server, like nginx) and
//     retry-on conn-failure empty-response response-timeout [statuses].
//   timeout → timeout connect / timeout server (per try). tls → bind … ssl crt <certificate and key>.
// load.connections → global and defaults maxconn connections + headroom, capped so that 2 × maxconn fits
//   the hard limit on open files (open-files.ts); servers have no maxconn (no per-server queue).
// Server names are the replica ids, so `%s` puts the id into x-lbbench-backend directly.
// balancer.mode tcp → mode tcp: no HTTP rules, no retry-on (a failed connect is retried, with
//   redispatch to another server), timeout server is an idle connection's (60 s), and the readiness
//   probe reaches a server (one connection).
import type {Scenario} from '../model/scenario.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import {RunError} from '../model/errors.js'
import {parseHashKey} from '../proxy/hash-key.js'
import {versionAtLeast} from './program-version.js'
import {formatAddress} from '../process/loopback-address.js'
import {haproxyMaxconn} from './open-files.js'

export interface HaproxyConfigInput {
  scenario: Scenario
  backends: ReplicaAddress[]
  /** The port HAProxy listens on at 127.0.0.1. */
  port: number
  /** Absolute path of HAProxy's private folder (stats socket). */
  dir: string
  /** The stats socket, when it cannot be in `dir` (a unix socket path has at most 97 bytes for HAProxy). */
  socket?: string
  /** Installed HAProxy version, e.g. `2.6.12`. */
  version: string
  threads?: number
  /** balancer.tls: HAProxy terminates TLS with this file (certificate and key in one). */
  tls?: {combined: string}
  /** The machine's hard limit on open files (`ulimit -Hn`), when known: HAProxy refuses to start above it. */
  openFilesLimit?: number
}

export const haproxyBackendName = 'lbbench_backends'
/** A file path as one HAProxy argument: as it is when plain, else double-quoted with \\ " $ escaped (a reports folder may have spaces). */
const pathArg = (path: string): string => (/^[A-Za-z0-9_./@+:=,%-]+$/.test(path) ? path : `"${path.replace(/(["\\$])/g, '\\$1')}"`)

export const haproxyStatsSocket = (dir: string): string => `${dir}/stats.sock`

/** The bind address, with what TLS needs after it. */
export const haproxyListen = (port: number, tls?: {combined: string}): string => `127.0.0.1:${port}${tls ? ` ssl crt ${pathArg(tls.combined)}` : ''}`

/** The runtime API's socket in the global section. */
export const haproxyStatsLine = (socket: string): string => `stats socket ${pathArg(socket)} mode 600 level admin`

/** One replica's server line: its id as the server's name (so `%s` is the id), its weight and the scenario's health checks. */
export function haproxyServerLine(s: Scenario, r: ReplicaAddress): string {
  return `server ${r.id} ${formatAddress(r)} weight ${s.replicas.overrides[r.id]?.weight ?? 1}${serverCheck(s)}`
}
/** HAProxy refuses a longer unix socket path ("too long (max 97)"). */
export const haproxySocketPathMax = 97

function balanceLines(s: Scenario): string[] {
  const b = s.balancer
  switch (b.strategy) {
    case 'round-robin':
    case 'weighted-round-robin':
      return ['balance roundrobin']
    case 'least-connections':
      return ['balance leastconn']
    case 'random':
      return ['balance random(1)']
    case 'p2c':
      return ['balance random(2)']
    case 'ip-hash':
      return ['balance source']
    case 'consistent-hash': {
      const key = parseHashKey(b.hashKey)
      if (typeof key === 'string') throw new RunError(`balancer.hashKey: ${key}`)
      const balance = key.kind === 'ip' ? 'source' : key.kind === 'path' ? 'uri' : `hdr(${key.name})`
      return [`balance ${balance}`, 'hash-type consistent']
    }
    default:
      throw new RunError(`HAProxy has no ${b.strategy} strategy`)
  }
}

function serverCheck(s: Scenario): string {
  const {active, passive} = s.balancer.health
  const parts: string[] = []
  if (active) parts.push(`check inter ${active.interval}ms rise ${active.rise} fall ${active.fall}`)
  if (passive && passive.maxFails > 0) {
    if (!active) parts.push(`check inter ${passive.failTimeout}ms rise 1 fall 1`)
    const layer = passive.statuses.length > 0 ? 'layer7' : 'layer4'
    parts.push(`observe ${layer} error-limit ${passive.maxFails} on-error mark-down`)
  }
  return parts.length ? ` ${parts.join(' ')}` : ''
}

export function haproxyConfig(input: HaproxyConfigInput): string {
  const {scenario: s, backends, port, dir, version} = input
  const b = s.balancer
  const active = b.health.active
  const tcp = b.mode === 'tcp'
  const maxconn = haproxyMaxconn(s, backends.length, input.openFilesLimit)
  const retryOn = ['conn-failure', 'empty-response', 'response-timeout', ...[...(b.health.passive?.statuses ?? [])].sort((x, y) => x - y).map(String)]

  return [
    `# Generated by lbbench for scenario ${s.name} (HAProxy ${version}${tcp ? ', mode tcp' : ''}).`,
    'global',
    `  nbthread ${input.threads ?? 1}`,
    // Client connections; HAProxy reserves 2 descriptors per connection, under the hard limit (open-files.ts).
    `  maxconn ${maxconn}`,
    `  ${haproxyStatsLine(input.socket ?? haproxyStatsSocket(dir))}`,
    // notice: server state changes and alerts, not one line per request (those are info).
    '  log stdout format raw local0 notice',
    '',
    'defaults',
    `  mode ${tcp ? 'tcp' : 'http'}`,
    '  log global',
    // The frontend's own limit, written out (2.6 takes the global one when it is unset). Servers get no
    // maxconn: each takes what the balance gives it, with no queue in HAProxy.
    `  maxconn ${maxconn}`,
    `  timeout connect ${b.timeout}ms`,
    // Mode tcp: the server timeout is an idle connection's, as the client's (a connection outlives requests).
    `  timeout server ${tcp ? '60s' : `${b.timeout}ms`}`,
    '  timeout client 60s',
    ...(tcp ? [] : ['  timeout http-keep-alive 60s']),
    ...(active ? [`  timeout check ${active.timeout}ms`] : []),
    `  retries ${b.retries}`,
    // retry-on is HTTP's; in mode tcp only a failed connect is retried, which is HAProxy's default.
    ...(b.retries > 0 ? ['  option redispatch 1', ...(tcp ? [] : [`  retry-on ${retryOn.join(' ')}`])] : []),
    '',
    'frontend lbbench',
    `  bind ${haproxyListen(port, input.tls)}`,
    // Readiness probes (x-lbbench-probe) are answered here, so that they do not count for a server.
    ...(!tcp && versionAtLeast(version, '2.2')
      ? ['  http-request return status 200 content-type text/plain string ready if { req.hdr(x-lbbench-probe) -m found }']
      : []),
    `  default_backend ${haproxyBackendName}`,
    '',
    `backend ${haproxyBackendName}`,
    ...balanceLines(s).map((l) => `  ${l}`),
    ...(active ? [`  option httpchk GET ${active.path}`] : []),
    // Mode tcp forwards bytes: the replicas stamp x-lbbench-backend themselves.
    ...(tcp ? [] : ['  http-reuse safe', '  http-response set-header X-LBBench-Backend %s']),
    ...backends.map((r) => `  ${haproxyServerLine(s, r)}`),
    '',
  ].join('\n')
}
