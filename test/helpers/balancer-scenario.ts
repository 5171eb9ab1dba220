// A resolved scenario for balancer tests, with every field filled in; `patch` changes the balancer part.
import type {BalancerSpec, Scenario} from '../../src/model/scenario.js'

export function balancerScenario(balancer: Partial<BalancerSpec> = {}, count = 4, weights: Record<string, number> = {}): Scenario {
  return {
    name: 'balancer-test',
    seed: 1,
    replicas: {
      count,
      kind: 'process',
      app: {latency: {dist: 'fixed', mean: 0}, cpu: 0, body: 12, errorRate: 0, errorStatus: 500, hang: false},
      env: {},
      ready: {timeout: 5000},
      restart: 'never',
      overrides: Object.fromEntries(Object.entries(weights).map(([id, weight]) => [id, {weight}])),
    },
    balancer: {
      kind: 'nginx',
      strategy: 'round-robin',
      retries: 1,
      retryNonIdempotent: false,
      retryBodyLimit: 65536,
      timeout: 2000,
      health: {},
      engine: 'http-proxy',
      workers: 1,
      schedulingPolicy: 'rr',
      ...balancer,
    },
    load: {connections: 4, timeout: 2000, phases: [{name: 'steady', duration: 1000, measure: true, connections: 4}], requests: [{method: 'GET', path: '/', headers: {}, weight: 1}], generators: 1},
    faults: [],
    thresholds: [],
    abortOnFail: false,
  }
}
