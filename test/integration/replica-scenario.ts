// A resolved scenario around a ReplicasSpec, for replica-set tests (the rest is filler a replica set
// does not read), and a private run folder.
import {join} from 'node:path'
import {request, type IncomingHttpHeaders} from 'node:http'
import type {LoadedScenario, ReplicasSpec, Scenario} from '../../src/model/scenario.js'
import {tempDir} from '../helpers/temp-dir.js'

export function replicaScenario(replicas: Partial<ReplicasSpec>, file = join(process.cwd(), 'scenarios', 'test.yaml')): LoadedScenario {
  const scenario: Scenario = {
    name: 'replica-test',
    seed: 1,
    replicas: {
      count: 2,
      kind: 'process',
      app: {latency: {dist: 'fixed', mean: 0}, cpu: 0, body: 12, errorRate: 0, errorStatus: 500, hang: false},
      env: {},
      ready: {timeout: 10_000},
      restart: 'never',
      overrides: {},
      ...replicas,
    },
    balancer: {
      kind: 'none', strategy: 'round-robin', retries: 0, retryNonIdempotent: false, retryBodyLimit: 65536,
      timeout: 2000, health: {}, engine: 'http-proxy', workers: 1, schedulingPolicy: 'rr',
    },
    load: {connections: 1, timeout: 2000, phases: [{name: 'steady', duration: 1000, measure: true, connections: 1}], requests: [], generators: 1},
    faults: [],
    thresholds: [],
    abortOnFail: false,
  }
  return {scenario, file, hash: 'test'}
}

export function runDir(): string {
  return tempDir('test')
}

export function testRunId(): string {
  return `test-${process.pid}-${Math.random().toString(16).slice(2, 8)}`
}

/** What a GET to a killed replica's port gives: refused, or reset when the kernel completed the handshake
 * on the listener in the moment before the dying process's socket was closed (the exit event can come
 * first: the replica's shell is reaped before the server's socket is torn down). */
export const NOT_LISTENING = /^(ECONNREFUSED|ECONNRESET)$/

/** GET on 127.0.0.1 with a deadline, on a fresh connection: {status, body, headers}, or the error's code. */
export function get(port: number, timeoutMs = 2000, path = '/'): Promise<{status: number; body: string; headers: IncomingHttpHeaders} | string> {
  return new Promise((resolve) => {
    const req = request({host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body, headers: res.headers}))
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), {code: 'TIMEOUT'})))
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
    req.end()
  })
}

/** What get() answered, as an assertion shows it: the error's code, or `HTTP <status>`. */
export function answered(r: Awaited<ReturnType<typeof get>>): string {
  return typeof r === 'string' ? r : `HTTP ${r.status}`
}
