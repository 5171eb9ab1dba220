// nginx.conf for a run, from the scenario (pure: no I/O). Everything nginx writes (pid, logs, temp
// files) goes inside the run's private folder, so nginx runs as root without touching /var.
//
// How each scenario field becomes an nginx directive, with nginx's own meaning of failures and retries:
//   round-robin, weighted-round-robin → default smooth WRR (nginx's round robin is always weighted:
//     replicas.overrides.*.weight applies to every strategy) · least-connections → least_conn ·
//   random → random · p2c → random two least_conn · ip-hash → ip_hash ·
//   consistent-hash → hash $uri | $remote_addr | $http_NAME consistent (hashKey path | ip | header:NAME).
//   health.passive → max_fails / fail_timeout (whole seconds, rounded up); absent → max_fails=0 (never
//     marked down; nginx's own default would be max_fails=1 fail_timeout=10s) · statuses → http_NNN in
//     proxy_next_upstream (nginx counts a listed status as a failure only when it retries it).
//   retries → proxy_next_upstream_tries retries+1 · timeout → proxy_connect/read/send_timeout.
//   load.connections → worker_connections 2 × connections + headroom (client and upstream sockets) and
//     worker_rlimit_nofile above it, at most the hard limit on open files (open-files.ts).
//   tls → listen … ssl with ssl_certificate / ssl_certificate_key, and ssl_protocols TLSv1.2 TLSv1.3 (nginx
//     before 1.23.4 leaves TLSv1.3 out by default; the built-in proxy and HAProxy offer it).
// The response header x-lbbench-backend carries the replica id: a map turns $upstream_addr (a list
// "a, b" when nginx retried) into the id of the last address, the one that answered.
import type {Scenario} from '../model/scenario.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import {RunError} from '../model/errors.js'
import {parseHashKey} from '../proxy/hash-key.js'
import {versionAtLeast} from './program-version.js'
import {formatAddress} from '../process/loopback-address.js'
import {nginxOpenFiles} from './open-files.js'

export interface NginxConfigInput {
  scenario: Scenario
  backends: ReplicaAddress[]
  /** The port nginx listens on at 127.0.0.1 (nginx cannot listen on port 0). */
  port: number
  /** Absolute path of nginx's private folder (its -p prefix). */
  dir: string
  /** Installed nginx version, e.g. `1.22.1`. */
  version: string
  /** nginx started as root would switch its workers to `nobody`, who cannot write the 0700 folder. */
  asRoot: boolean
  workerProcesses?: number
  /** balancer.tls: nginx terminates TLS with these files. */
  tls?: {cert: string; key: string}
  /** The machine's hard limit on open files (`ulimit -Hn`), when known: nginx cannot raise it. */
  openFilesLimit?: number
}

export const nginxUpstreamName = 'lbbench_backends'

/** The access log format: one line per request, lists with one entry per attempt. */
export const nginxLogFormat = '$msec|$status|$upstream_addr|$upstream_status|$upstream_header_time|$upstream_response_time|$request_time'

/** Directive → first nginx version that has it (only those newer than nginx 1.7). */
const since: Record<string, string> = {
  random: '1.15.1',
  'upstream keepalive_requests': '1.15.3',
  'upstream keepalive_timeout': '1.15.3',
  http_429: '1.11.13',
  non_idempotent: '1.9.13',
}

export function need(version: string, what: string, why: string): void {
  const min = since[what]
  if (min && !versionAtLeast(version, min)) {
    throw new RunError(`nginx ${version} has no ${what} (needed for ${why}; it came in nginx ${min}). Upgrade nginx or choose another strategy: round-robin, least-connections, ip-hash, consistent-hash`)
  }
}

/**
 * A file path as one nginx argument: as it is when it is plain, else double-quoted (a reports folder may
 * have spaces). Only for directives that take no variables: nginx has no escape for `$`.
 */
export const pathArg = (path: string): string => (/^[A-Za-z0-9_./@+:=,%-]+$/.test(path) ? path : `"${path.replace(/(["\\])/g, '\\$1')}"`)

export const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function balancingDirective(s: Scenario, version: string): string | undefined {
  const b = s.balancer
  switch (b.strategy) {
    case 'round-robin':
    case 'weighted-round-robin':
      return undefined
    case 'least-connections':
      return 'least_conn;'
    case 'random':
      need(version, 'random', 'strategy random')
      return 'random;'
    case 'p2c':
      need(version, 'random', 'strategy p2c')
      return 'random two least_conn;'
    case 'ip-hash':
      return 'ip_hash;'
    case 'consistent-hash': {
      const key = parseHashKey(b.hashKey)
      if (typeof key === 'string') throw new RunError(`balancer.hashKey: ${key}`)
      const variable = key.kind === 'ip' ? '$remote_addr' : key.kind === 'path' ? '$uri' : `$http_${key.name.replace(/-/g, '_')}`
      return `hash ${variable} consistent;`
    }
    default:
      throw new RunError(`nginx has no ${b.strategy} strategy`)
  }
}

function nextUpstream(s: Scenario, version: string): string {
  const conditions = ['error', 'timeout']
  for (const status of [...(s.balancer.health.passive?.statuses ?? [])].sort((x, y) => x - y)) {
    if (status === 429) need(version, 'http_429', 'health.passive.statuses 429')
    conditions.push(`http_${status}`)
  }
  if (s.balancer.retryNonIdempotent) {
    need(version, 'non_idempotent', 'balancer.retryNonIdempotent')
    conditions.push('non_idempotent')
  }
  return conditions.join(' ')
}

/** Descriptors and connections for the scenario's connection count: two per connection (client and upstream), under the hard limit. */
/** The main context, the same for http and stream: processes, pid, error log, and room for the connections. */
export function nginxMainContext(input: NginxConfigInput): string[] {
  const {scenario, backends, openFilesLimit, dir} = input
  const {workerConnections, rlimitNofile} = nginxOpenFiles(scenario, backends.length, openFilesLimit)
  return [
    `worker_processes ${input.workerProcesses ?? 1};`,
    ...(input.asRoot ? ['user root root;'] : []),
    `pid ${pathArg(`${dir}/nginx.pid`)};`,
    // warn: "upstream server temporarily disabled" is a warn line; notice adds start and reload lines.
    `error_log ${pathArg(`${dir}/error.log`)} notice;`,
    `worker_rlimit_nofile ${rlimitNofile};`,
    '',
    'events {',
    `  worker_connections ${workerConnections};`,
    '}',
  ]
}

export function nginxConfig(input: NginxConfigInput): string {
  const {scenario: s, dir, version} = input
  return [
    `# Generated by lbbench for scenario ${s.name} (nginx ${version}). Everything nginx writes stays in`,
    `# ${dir}.`,
    ...nginxMainContext(input),
    '',
    'http {',
    ...httpPreamble(input),
    '',
    ...upstream(input),
    '',
    ...server(input),
    '}',
    '',
  ].join('\n')
}

/**
 * What lbbench's measuring needs at the http level (unindented): its access-log format, with readiness
 * probes (x-lbbench-probe) left out of the log. The log is relative to the prefix nginx runs with
 * (-p <folder>/): access_log reads variables in its path, and a `$` in the folder's name would be one.
 */
export const nginxAccessLog = 'access_log access.log lbbench if=$lbbench_logged;'
export const nginxMeasuring = [
  `log_format lbbench '${nginxLogFormat}';`,
  'map $http_x_lbbench_probe $lbbench_logged {',
  '  "" 1;',
  '  default 0;',
  '}',
  nginxAccessLog,
]

/** Temporary files and logs inside the run's folder, and the map from the answering address to its replica id. */
function httpPreamble({dir, backends}: NginxConfigInput): string[] {
  return [
    `  client_body_temp_path ${pathArg(`${dir}/temp/client_body`)};`,
    `  proxy_temp_path ${pathArg(`${dir}/temp/proxy`)};`,
    `  fastcgi_temp_path ${pathArg(`${dir}/temp/fastcgi`)};`,
    `  uwsgi_temp_path ${pathArg(`${dir}/temp/uwsgi`)};`,
    `  scgi_temp_path ${pathArg(`${dir}/temp/scgi`)};`,
    ...nginxMeasuring.map((l) => `  ${l}`),
    '',
    '  # The replica id of the address that answered (the last one when nginx retried).',
    '  map $upstream_addr $lbbench_backend {',
    '    default "";',
    ...backends.map((r) => `    "~(^|, | : )${escapeRegex(formatAddress(r))}$" ${r.id};`),
    '  }',
  ]
}

/** The upstream block: the strategy's directive and one server line per replica with its weight and passive health. */
function upstream({scenario: s, backends, version}: NginxConfigInput): string[] {
  const balancing = balancingDirective(s, version)
  return [
    `  upstream ${nginxUpstreamName} {`,
    ...(balancing ? [`    ${balancing}`] : []),
    ...backends.map((r) => `    ${nginxServerLine(s, r)}`),
    '    keepalive 64;',
    // Node closes idle keep-alive sockets after 5 s: close ours first, or a reused socket can be reset.
    ...(versionAtLeast(version, since['upstream keepalive_requests']) ? ['    keepalive_requests 1000000;', '    keepalive_timeout 4s;'] : []),
    '  }',
  ]
}

/** What nginx needs to serve the run's certificate. */
export function nginxTlsLines(tls: {cert: string; key: string}): string[] {
  return [`ssl_certificate ${pathArg(tls.cert)};`, `ssl_certificate_key ${pathArg(tls.key)};`]
}

/** One replica's server line, with its weight and passive health (absent: max_fails=0, never marked down). */
export function nginxServerLine(s: Scenario, r: ReplicaAddress): string {
  const passive = s.balancer.health.passive
  const maxFails = passive ? passive.maxFails : 0
  const failTimeout = seconds(passive ? passive.failTimeout : 10_000)
  const weight = s.replicas.overrides[r.id]?.weight ?? 1
  return `server ${formatAddress(r)} weight=${weight} max_fails=${maxFails} fail_timeout=${failTimeout};`
}

/** The server block: listen on the run's port, proxy to the upstream with the scenario's timeouts and retries. */
function server({scenario: s, port, version, tls}: NginxConfigInput): string[] {
  const b = s.balancer
  const timeout = `${b.timeout}ms`
  return [
    '  server {',
    `    listen 127.0.0.1:${port}${tls ? ' ssl' : ''};`,
    ...(tls ? [...nginxTlsLines(tls), 'ssl_protocols TLSv1.2 TLSv1.3;'].map((l) => `    ${l}`) : []),
    '    keepalive_requests 1000000;',
    '    keepalive_timeout 75s;',
    '    location / {',
    `      proxy_pass http://${nginxUpstreamName};`,
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_set_header Host $host;',
    `      proxy_connect_timeout ${timeout};`,
    `      proxy_read_timeout ${timeout};`,
    `      proxy_send_timeout ${timeout};`,
    `      proxy_next_upstream ${nextUpstream(s, version)};`,
    `      proxy_next_upstream_tries ${b.retries + 1};`,
    '      proxy_hide_header X-LBBench-Backend;',
    '      add_header X-LBBench-Backend $lbbench_backend always;',
    '    }',
    '  }',
  ]
}
