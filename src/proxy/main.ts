// The built-in proxy's process entry, forked by balancers/builtin.ts with an IPC channel (messages.ts).
// It lives exactly as long as that channel: when the orchestrator goes away, however it ends, the channel
// closes and the proxy exits at once, so no proxy outlives its run.
// With balancer.workers > 1 this process becomes the cluster primary of N workers (primary.ts), each of
// which runs this same module as a whole proxy and speaks the same messages to the primary; with
// balancer.sharedState such a worker also sends its passive health events to the primary and takes the
// other workers' and the primary's checks from it (shared-health.ts).

import cluster from 'node:cluster'
import {proxyEngines} from './engines.js'
import {usageIntervalMs, type FromProxy, type ProxyConfig, type ToProxy} from './messages.js'
import {proxyModes, type RunningProxy} from './modes.js'
import {ProxyPrimary, workerConfigEnv} from './primary.js'
import type {HealthEvent} from './shared-health.js'
import {strategyKinds} from './strategies/registry.js'
import {sendToParent} from '../process/parent-channel.js'
import {UsageMeter} from '../process/usage-meter.js'

if (!process.send) {
  console.error('the lbbench proxy must be started by lbbench (it needs an IPC channel)')
  process.exit(2)
}

process.on('disconnect', () => exit(0))
process.on('SIGTERM', () => exit(0))
// Ctrl-C in a terminal reaches every process of its group. The orchestrator handles it, and still asks
// the proxy for its counters for the aborted run's report before it closes the channel.
process.on('SIGINT', () => {})

let server: RunningProxy | undefined
let primary: ProxyPrimary | undefined

/** Exits; a primary first waits for its workers to have exited (at most about 1 s). */
function exit(code: number): void {
  if (!primary) process.exit(code)
  void primary.shutdown().then(() => process.exit(code))
}

/** The orchestrator gone (the channel closed, or a write to it failed with EPIPE) is the proxy's end. */
function send(msg: FromProxy): void {
  sendToParent(msg, {onGone: () => exit(0)})
}

async function start(config: ProxyConfig): Promise<void> {
  const b = config.balancer
  const engine = proxyEngines[b.engine]
  if (!engine) throw new Error(`balancer.engine: ${b.engine} is not available yet; use one of: ${Object.keys(proxyEngines).join(', ')}`)
  const strategy = strategyKinds.get(b.strategy)
  if (!strategy) throw new Error(`balancer.strategy: unknown strategy ${b.strategy}`)
  const shared = cluster.isWorker && b.sharedState === true
  const share = shared ? (event: HealthEvent) => send({type: 'health', event}) : undefined
  server = await proxyModes[b.mode ?? 'http'](config, strategy, (change) => send({type: 'backend-state', ...change}), share)
  const port = await server.listen()
  reportUsage()
  send({type: 'ready', port})
}

async function startPrimary(config: ProxyConfig): Promise<void> {
  if (!proxyEngines[config.balancer.engine]) throw new Error(`balancer.engine: ${config.balancer.engine} is not available yet; use one of: ${Object.keys(proxyEngines).join(', ')}`)
  primary = new ProxyPrimary(config, send)
  const {port, pids} = await primary.start()
  reportUsage((own) => primary!.combinedUsage(own))
  send({type: 'ready', port, pids})
}

/** Its own CPU (percent of one core) and event-loop utilisation, every second, so a saturated proxy shows. */
function reportUsage(combine = (own: {cpuPct: number; elu: number}) => own): void {
  const meter = new UsageMeter()
  setInterval(() => send({type: 'usage', ...combine(meter.take())}), usageIntervalMs).unref()
}

function startOrFail(config: ProxyConfig): void {
  const run = config.balancer.workers > 1 && cluster.isPrimary ? startPrimary : start
  run(config).catch((err: Error) => sendToParent({type: 'error', message: err.message} satisfies FromProxy, {then: () => process.exit(1)}))
}

// A proxy worker of a primary (primary.ts) gets its config at birth.
const workerConfig = cluster.isWorker ? process.env[workerConfigEnv] : undefined
if (workerConfig) startOrFail(JSON.parse(workerConfig) as ProxyConfig)

process.on('message', (raw) => {
  const msg = raw as ToProxy
  if (msg.type === 'start') {
    startOrFail(msg.config)
  } else if (msg.type === 'set-backend') {
    server?.setBackend(msg.backend.id, msg.backend.host, msg.backend.port)
    primary?.setBackend(msg.backend)
  } else if (msg.type === 'health') {
    server?.table.applyShared(msg.event)
  } else if (msg.type === 'stats?') {
    if (server) send({type: 'stats', reqId: msg.reqId, stats: server.stats()})
    else void primary?.stats().then((stats) => send({type: 'stats', reqId: msg.reqId, stats}))
  }
})
