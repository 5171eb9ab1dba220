import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {ScenarioError} from '../../src/model/errors.js'
import {describeScenario} from '../../src/scenario/describe.js'
import {formatDuration, parseDuration, tryParseDuration} from '../../src/scenario/duration.js'
import {parseScenarioText} from '../../src/scenario/load.js'
import {tryParsePercentOrFraction, tryParseSize} from '../../src/scenario/quantities.js'
import {parseThreshold} from '../../src/scenario/threshold.js'
import {scaleTime} from '../../src/scenario/time-scale.js'
import type {Scenario} from '../../src/model/scenario.js'

const parse = (text: string): Scenario => parseScenarioText(text, 's.yaml').scenario

function messageOf(text: string): string {
  try {
    parseScenarioText(text, 's.yaml')
  } catch (e) {
    assert.ok(e instanceof ScenarioError, `expected a ScenarioError, got ${String(e)}`)
    return e.message
  }
  assert.fail('the scenario was accepted')
}

describe('bad scenarios give exact messages', () => {
  // The last line when a part with a problem kept the checks that need it from running.
  const more = '\ns.yaml:1:1 fix these and validate again: checks that depend on them did not run'
  const cases: Array<[string, string]> = [
    ['', 's.yaml:1:1 the file is empty; a scenario needs at least a name, like "name: my-scenario"'],
    ['seed: 3\n', "s.yaml:1:1 name: is missing; every scenario has a name: lowercase words joined by '-', like my-scenario"],
    ['name: Hello World\n', `s.yaml:1:7 name: expected lowercase words joined by '-', like my-scenario; got "Hello World"`],
    ['- a\n', `s.yaml:1:1 expected a mapping (key: value), got a list${more}`],
    ['name: a\nname: b\n', 's.yaml:2:1 name: duplicate key; each key may appear only once in a mapping'],
    ['name: a\nload:\n\tconnections: 5\n', `s.yaml:3:1 YAML syntax: tabs are not allowed for indentation; use spaces${more}`],
    ['name: a\nbalancer: *x\n', `s.yaml:2:11 balancer: alias *x refers to no anchor &x before it${more}`],
    [
      'name: a\nlaod: {}\n',
      's.yaml:2:1 laod: unknown key (did you mean load?); expected one of name, description, seed, replicas, balancer, load, faults, thresholds, abortOnFail',
    ],
    ['name: a\nreplicas: {count: 0}\n', `s.yaml:2:19 replicas.count: must be at least 1; got 0${more}`],
    ['name: a\nreplicas: {count: 65}\n', `s.yaml:2:19 replicas.count: must be at most 64; got 65${more}`],
    ['name: a\nreplicas: {count: two}\n', `s.yaml:2:19 replicas.count: expected a number, got the text "two"${more}`],
    ['name: a\nload: {connections: 10001}\n', 's.yaml:2:21 load.connections: must be at most 10000; got 10001'],
    ['name: a\nload: {timeout: 5}\n', 's.yaml:2:17 load.timeout: durations carry a unit: 500ms, 5s, 2m (got the bare number 5)'],
    ['name: a\nload: {timeout: 5sec}\n', 's.yaml:2:17 load.timeout: expected a duration like 500ms, 5s, 2m, 250us; got "5sec"'],
    [
      'name: a\nload:\n  phases:\n    - {name: s, duration: 1s}\n    - {name: s, duration: 1s}\n',
      's.yaml:5:14 load.phases.1.name: duplicate phase name "s" (load.phases.0 has it too)',
    ],
    [
      'name: a\nbalancer: {strategy: round-robbin}\n',
      `s.yaml:2:22 balancer.strategy: expected one of round-robin, weighted-round-robin, least-connections, random, p2c, peak-ewma, ip-hash, consistent-hash, maglev; got "round-robbin" (did you mean round-robin?)${more}`,
    ],
    ['name: a\nbalancer: {strategy: maglev}\n', 's.yaml:2:11 balancer.hashKey: is missing; strategy maglev chooses by a key: ip, path or header:NAME'],
    [
      'name: a\nreplicas: {kind: process}\nbalancer: {kind: cluster}\n',
      "s.yaml:2:11 replicas.command: is missing; process replicas run a command, like \"node app.js\" ($PORT and $REPLICA are set)\ns.yaml:3:18 balancer.kind: the cluster balancer is Node's cluster module: it needs replicas.kind cluster, not process",
    ],
    ['name: a\nreplicas:\n  overrides: {r3: {weight: 2}}\n', 's.yaml:3:15 replicas.overrides.r3: replica r3 does not exist: replicas.count is 2 (r1, r2)'],
    ['name: a\nfaults:\n  - {at: 1s, action: kill, target: r3}\n', 's.yaml:3:36 faults.0.target: replica r3 does not exist: replicas.count is 2 (r1, r2)'],
    [
      'name: a\nfaults:\n  - {at: 5s, action: kill, target: r1}\n',
      "s.yaml:3:10 faults.0.at: 5s is not before the end of the measured load at 5s (the measured phases' total)",
    ],
    [
      'name: a\nfaults:\n  - {at: 4s, action: pause, target: r1, for: 2s}\n',
      's.yaml:3:46 faults.0.for: the fault would end at 6s (at + for), after the measured load ends at 5s',
    ],
    ['name: a\nfaults:\n  - {at: 1s, action: slow, target: r1}\n', 's.yaml:3:5 faults.0.latency: is missing; a slow fault needs the latency to add, like latency: 200ms'],
    ['name: a\nfaults:\n  - {at: 1s, action: exec, command: ls, target: r1}\n', 's.yaml:3:41 faults.0.target: does not apply to exec; exec takes at, action, command'],
    ['name: a\nthresholds:\n  - latency.p99 < 50\n', 's.yaml:3:19 thresholds.0: latency.p99 is a time: its value carries a unit, like 50ms, 500us or 2s; got "50"'],
    [
      'name: a\nthresholds:\n  - "latency.p99[stedy] < 5ms"\n',
      's.yaml:3:17 thresholds.0: no phase is named "stedy" (did you mean steady?); the phases are warmup, steady',
    ],
    ['name: a\nthresholds:\n  - failover.failed = 0\n', 's.yaml:3:21 thresholds.0: use == to compare for equality'],
    ['name: a\nthresholds:\n  - latency.p99 => 3ms\n', 's.yaml:3:17 thresholds.0: "=>" is not an operator: did you mean >=?'],
    ['name: a\nthresholds:\n  - errors.rate[window=10s] < 1%\n', 's.yaml:3:17 thresholds.0: the window (10s) is longer than the measured load (5s), so no window fits in it'],
    [
      'name: a\nload: {phases: [{name: steady, duration: 5s}, {name: surge, duration: 3s}]}\nthresholds:\n  - latency.p99[surge, window=4s] < 5ms\n',
      's.yaml:4:24 thresholds.0: the window (4s) is longer than phase "surge" (3s), so no window fits in it',
    ],
    [
      'name: a\nthresholds:\n  - "latency.p99[stedy, window=2s] < 5ms"\n',
      's.yaml:3:17 thresholds.0: no phase is named "stedy" (did you mean steady?); the phases are warmup, steady',
    ],
    ['name: a\nthresholds:\n  - backend.r5.share > 10%\n', 's.yaml:3:5 thresholds.0: replica r5 does not exist: replicas.count is 2 (r1, r2)'],
    [
      'name: a\nreplicas:\n  app: {latency: {dist: normal, mean: 5ms}}\n',
      `s.yaml:3:18 replicas.app.latency.stddev: is missing; a normal latency needs mean and stddev, like {dist: normal, mean: 5ms, stddev: 1ms}${more}`,
    ],
    [
      'name: a\nbalancer: {sharedState: true}\n',
      's.yaml:2:12 balancer.sharedState: needs balancer.workers 2 or more: a single proxy process has no other to share its state with; workers is 1',
    ],
    [
      'name: a\nbalancer: {kind: nginx, workers: 2, sharedState: true}\n',
      "s.yaml:2:37 balancer.sharedState: applies to the built-in proxy's workers only (balancer.kind builtin with workers > 1); balancer.kind is nginx",
    ],
    [
      'name: a\nload:\n  requests: [{path: /, headers: {x-user: "user-{{n:0}}"}}]\n',
      's.yaml:3:48 load.requests.0.headers.x-user: {{n:0}}: the number of keys must be from 1 to 10000',
    ],
    [
      'name: a\nload:\n  requests:\n    - {path: "/u/{{n:10}}", headers: {x-user: "{{n:20}}"}}\n',
      's.yaml:4:48 load.requests.0.headers.x-user: the placeholders of one request must all be the same size (one key per request); found {{n:10}} and {{n:20}}',
    ],
    [
      "name: a\nload:\n  requests: [{method: POST, body: 'id={{n:5}}'}]\n",
      's.yaml:3:39 load.requests.0.body: {{n:5}} is not replaced in a body: placeholders work in the path and header values',
    ],
    ['name: a\nbalancer: {retryBudget: 120%}\n', `s.yaml:2:25 balancer.retryBudget: expected a percentage like 20% or a fraction from 0 to 1 like 0.2; got "120%"${more}`],
  ]
  for (const [text, message] of cases) {
    test(JSON.stringify(text).slice(0, 70), () => assert.equal(messageOf(text), message))
  }
  test('the table has at least 20 cases', () => assert.ok(cases.length >= 20))

  test('the threshold column points at the unknown metric inside the expression', () => {
    const msg = messageOf('name: a\nthresholds:\n  - errors.rate < 1%\n  - "  latency.p100 < 5ms"\n')
    assert.match(msg, /^s\.yaml:4:8 thresholds\.1: unknown metric "latency\.p100"; known metrics: latency\.pNN/)
  })

  test('a part the schema refuses does not keep the others from their checks', () => {
    // A bad strategy leaves the balancer out; the replicas, the phases and every other fault are still checked.
    const msg = messageOf(`name: a
replicas: {count: 2, overrides: {r3: {weight: 2}}}
balancer: {strategy: round-robbin}
faults:
  - {at: 1s, action: kill}
  - {at: 9s, action: kill, target: r1}
  - {at: 1s, action: pause, target: r1, for: -1s}
thresholds: [latency.p99 < 5ms, 7, "latency.p99[stedy] < 5ms"]
`)
    assert.deepEqual(
      msg.split('\n').map((l) => l.replace(/: .*/, '')),
      [
        's.yaml:2:34 replicas.overrides.r3',
        's.yaml:3:22 balancer.strategy',
        's.yaml:5:5 faults.0.target',
        's.yaml:6:10 faults.1.at',
        's.yaml:7:46 faults.2.for',
        's.yaml:8:33 thresholds.1',
        's.yaml:8:48 thresholds.2',
        's.yaml:1:1 fix these and validate again',
      ],
    )
  })

  test('with every part parsed there is nothing more to say', () => {
    assert.doesNotMatch(messageOf('name: a\nfaults: [{at: 9s, action: kill, target: r3}]\n'), /validate again/)
  })

  test('every problem of a file is reported, in file order', () => {
    const msg = messageOf('name: A\nload: {connections: 0, timeout: 1}\n')
    assert.deepEqual(
      msg.split('\n').map((l) => l.split(' ')[0]),
      ['s.yaml:1:7', 's.yaml:2:21', 's.yaml:2:33'],
    )
  })
})

describe('defaults', () => {
  test('a file with only a name resolves to the full default scenario', () => {
    assert.deepEqual(parse('name: minimal\n'), {
      name: 'minimal',
      seed: 1,
      replicas: {
        count: 2,
        kind: 'cluster',
        app: {latency: {dist: 'fixed', mean: 0}, cpu: 0, body: 12, errorRate: 0, errorStatus: 500, hang: false},
        env: {},
        ready: {path: '/', timeout: 10_000},
        restart: 'never',
        overrides: {},
      },
      balancer: {
        kind: 'builtin',
        strategy: 'round-robin',
        retries: 1,
        retryNonIdempotent: false,
        retryBodyLimit: 65_536,
        timeout: 2000,
        health: {passive: {maxFails: 1, failTimeout: 10_000, statuses: []}},
        engine: 'lean',
        workers: 1,
        schedulingPolicy: 'rr',
      },
      load: {
        connections: 10,
        timeout: 2000,
        phases: [
          {name: 'warmup', duration: 1000, measure: false, connections: 10},
          {name: 'steady', duration: 5000, measure: true, connections: 10},
        ],
        requests: [{method: 'GET', path: '/', headers: {}, weight: 1}],
        generators: 1,
      },
      faults: [],
      thresholds: [],
      abortOnFail: false,
    })
  })

  test('phases fall back to the load connections and rate; process replicas get a port check', () => {
    const s = parse(`name: a
replicas: {kind: process, command: "node app.js", env: {N: 5}}
load:
  connections: 7
  rate: 100
  phases: [{name: one, duration: 2s}, {name: two, duration: 1m, connections: 3, rate: 50}]
`)
    assert.deepEqual(s.load.phases, [
      {name: 'one', duration: 2000, measure: true, connections: 7, rate: 100},
      {name: 'two', duration: 60_000, measure: true, connections: 3, rate: 50},
    ])
    assert.deepEqual(s.replicas.ready, {timeout: 10_000})
    assert.deepEqual(s.replicas.env, {N: '5'})
  })

  test('health: an explicit section says all there is; no section means passive for builtin only', () => {
    assert.deepEqual(parse('name: a\nbalancer: {health: {}}\n').balancer.health, {})
    assert.deepEqual(parse('name: a\nbalancer: {kind: haproxy}\n').balancer.health, {})
    assert.deepEqual(parse('name: a\nbalancer: {health: {active: {}}}\n').balancer.health, {
      active: {path: '/', interval: 1000, timeout: 500, rise: 2, fall: 3},
    })
  })

  test('sharedState: written only when true, so a scenario without it keeps its hash', () => {
    assert.equal(parse('name: a\nbalancer: {workers: 2, sharedState: true}\n').balancer.sharedState, true)
    assert.equal('sharedState' in parse('name: a\nbalancer: {workers: 2, sharedState: false}\n').balancer, false)
    const hash = (text: string) => parseScenarioText(text, 's.yaml').hash
    assert.equal(hash('name: a\nbalancer: {workers: 2, sharedState: false}\n'), hash('name: a\nbalancer: {workers: 2}\n'))
    assert.notEqual(hash('name: a\nbalancer: {workers: 2, sharedState: true}\n'), hash('name: a\nbalancer: {workers: 2}\n'))
  })

  test('the one-line description names the balancer as the reports do: strategy and key, proxy workers and their state', () => {
    const line = (balancer: string) => describeScenario(parse(`name: a\nbalancer: ${balancer}\n`))
    assert.equal(line('{}'), 'a: 2 cluster replicas, built-in proxy (round-robin), measured 5s')
    assert.equal(line('{workers: 2}'), 'a: 2 cluster replicas, built-in proxy (round-robin, 2 workers, per-worker state), measured 5s')
    assert.equal(line('{workers: 3, sharedState: true}'), 'a: 2 cluster replicas, built-in proxy (round-robin, 3 workers, shared health state), measured 5s')
    assert.equal(line('{kind: nginx, strategy: consistent-hash, hashKey: path}'), 'a: 2 cluster replicas, nginx (consistent-hash by path), measured 5s')
    assert.equal(line('{kind: cluster, schedulingPolicy: none}'), 'a: 2 cluster replicas, cluster (OS scheduling), measured 5s')
    assert.equal(line('{kind: none}'), 'a: 2 cluster replicas, no balancer (direct), measured 5s')
  })

  test('latency forms, sizes and percentages', () => {
    const s = parse(`name: a
replicas:
  app: {latency: {dist: uniform, min: 1ms, max: 9ms}}
  overrides: {r2: {latency: 250us, weight: 3}}
balancer: {retryBudget: 20%, retryBodyLimit: 1MiB, strategy: ip-hash}
`)
    assert.deepEqual(s.replicas.app.latency, {dist: 'uniform', mean: 5, min: 1, max: 9})
    assert.deepEqual(s.replicas.overrides, {r2: {latency: {dist: 'fixed', mean: 0.25}, weight: 3}})
    assert.equal(s.balancer.retryBudget, 0.2)
    assert.equal(s.balancer.retryBodyLimit, 1_048_576)
    assert.equal(s.balancer.hashKey, 'ip', 'ip-hash hashes the client address unless told otherwise')
  })
})

describe('durations', () => {
  const good: Array<[string, number]> = [
    ['500ms', 500],
    ['5s', 5000],
    ['2m', 120_000],
    ['1.5s', 1500],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1.1s', 1100],
    ['.5s', 500],
    ['0ms', 0],
  ]
  for (const [text, ms] of good) test(`${text} = ${ms} ms`, () => assert.equal(parseDuration(text), ms))
  test('a bare number is an error that says durations carry a unit', () => {
    assert.deepEqual(tryParseDuration(5), {error: 'durations carry a unit: 500ms, 5s, 2m (got the bare number 5)'})
    assert.deepEqual(tryParseDuration('5'), {error: 'durations carry a unit: 500ms, 5s, 2m (got the bare number 5)'})
    assert.throws(() => parseDuration('5 s'), /expected a duration like 500ms/)
    assert.throws(() => parseDuration('-1s'), /expected a duration/)
  })
  test('formatDuration', () => {
    assert.deepEqual([500, 5000, 1500, 120_000, 0.25, 90_000].map(formatDuration), ['500ms', '5s', '1.5s', '2m', '250us', '90s'])
  })
  test('percentages and sizes', () => {
    assert.deepEqual(tryParsePercentOrFraction('0.5%'), {value: 0.005})
    assert.deepEqual(tryParsePercentOrFraction(0.2), {value: 0.2})
    assert.ok('error' in tryParsePercentOrFraction('2'))
    assert.deepEqual(tryParseSize('64KiB'), {bytes: 65_536})
    assert.deepEqual(tryParseSize(100), {bytes: 100})
    assert.ok('error' in tryParseSize('64 parsecs'))
  })
})

describe('thresholds', () => {
  const cases: Array<[string, object]> = [
    ['latency.p99 < 50ms', {metric: 'latency.p99', op: '<', value: 50_000}],
    ['latency.p50 <= 800us', {metric: 'latency.p50', op: '<=', value: 800}],
    ['latency.p999 < 1.5s', {metric: 'latency.p999', op: '<', value: 1_500_000}],
    ['latency.max < 250µs', {metric: 'latency.max', op: '<', value: 250}],
    ['errors.rate < 0.5%', {metric: 'errors.rate', op: '<', value: 0.005}],
    ['errors.rate < 0.005', {metric: 'errors.rate', op: '<', value: 0.005}],
    ['failover.ttd < 2s', {metric: 'failover.ttd', op: '<', value: 2000}],
    ['failover.failed == 0', {metric: 'failover.failed', op: '==', value: 0}],
    ['throughput.rps >= 1000', {metric: 'throughput.rps', op: '>=', value: 1000}],
    ['fairness.jain > 0.9', {metric: 'fairness.jain', op: '>', value: 0.9}],
    ['backend.r2.share != 0', {metric: 'backend.r2.share', op: '!=', value: 0}],
    ['latency.p99[steady]<20ms', {metric: 'latency.p99', op: '<', value: 20_000, phase: 'steady'}],
    ['errors.rate <= 0', {metric: 'errors.rate', op: '<=', value: 0}],
    ['backend.r1.share > 0.2', {metric: 'backend.r1.share', op: '>', value: 0.2}],
    ['backend.r1.share <= 100%', {metric: 'backend.r1.share', op: '<=', value: 1}],
    ['fairness.jain > 90%', {metric: 'fairness.jain', op: '>', value: 0.9}],
    ['fairness.jain == 1', {metric: 'fairness.jain', op: '==', value: 1}],
    ['fairness.cv < 10%', {metric: 'fairness.cv', op: '<', value: 0.1}],
    ['fairness.cv < 0.1', {metric: 'fairness.cv', op: '<', value: 0.1}],
    ['fairness.maxMean < 150%', {metric: 'fairness.maxMean', op: '<', value: 1.5}],
    ['fairness.maxMean < 1.5', {metric: 'fairness.maxMean', op: '<', value: 1.5}],
    ['errors.rate[window=10s] < 1%', {metric: 'errors.rate', op: '<', value: 0.01, window: 10_000}],
    ['latency.p99[steady, window=5s] < 50ms', {metric: 'latency.p99', op: '<', value: 50_000, phase: 'steady', window: 5000}],
    ['throughput.rps[ window = 1m , surge ] >= 100', {metric: 'throughput.rps', op: '>=', value: 100, phase: 'surge', window: 60_000}],
    ['latency.p50[window=2s] <= 3ms', {metric: 'latency.p50', op: '<=', value: 3000, window: 2000}],
    ['throughput.bytesPerSec[window=3s] > 1000', {metric: 'throughput.bytesPerSec', op: '>', value: 1000, window: 3000}],
  ]
  for (const [expr, want] of cases) {
    test(expr, () => {
      const r = parseThreshold(expr)
      assert.ok('spec' in r, JSON.stringify(r))
      assert.deepEqual(r.spec, {expr, ...want})
    })
  }
  test('errors point into the expression', () => {
    assert.deepEqual(parseThreshold('latency.p99 < fast'), {
      error: 'latency.p99 is a time: its value carries a unit, like 50ms, 500us or 2s; got "fast"',
      offset: 14,
    })
    assert.equal((parseThreshold('throughput.rps > 1k') as {error: string}).error, 'throughput.rps is a plain number; got "1k"')
    assert.equal((parseThreshold('errors.rate <') as {error: string}).error, 'a value is missing after "<", like "latency.p99 < 50ms" or "errors.rate[steady] < 1%"')
  })
  test('a rate is a percentage or a fraction below 1: a bare 1 (100%, a gate that never fails) is refused', () => {
    const error = (expr: string) => (parseThreshold(expr) as {error: string; offset: number})
    assert.deepEqual(error('errors.rate < 1'), {error: 'errors.rate is a fraction: write 1% or 0.01 (a bare number must be below 1: 1 would mean 100%)', offset: 14})
    assert.equal(error('errors.rate < 5').error, 'errors.rate is a fraction: write 5% or 0.05 (a bare number must be below 1: 5 would mean 500%)')
    assert.equal(error('backend.r2.share > 25').error, 'backend.r2.share is a fraction: write 25% or 0.25 (a bare number must be below 1: 25 would mean 2500%)')
    assert.equal(error('backend.r2.share <= 100').error, 'backend.r2.share is a fraction: write 100% (a bare number must be below 1: 100 would mean 10000%)')
    assert.equal(error('errors.rate < 150').error, 'errors.rate is a fraction: expected a percentage like 1% or a fraction below 1 like 0.01; got "150"')
    assert.equal(error('errors.rate < 150%').error, 'errors.rate is a fraction: expected a percentage like 1% or a fraction below 1 like 0.01; got "150%"')
  })
  test("Jain's index runs from 0 to 1, written as a fraction or a percentage; the other fairness ratios take either", () => {
    const error = (expr: string) => (parseThreshold(expr) as {error: string; offset: number})
    assert.deepEqual(error('fairness.jain > 90'), {error: 'fairness.jain is an index from 0 to 1: write 0.9 or 90%; got "90"', offset: 16})
    assert.equal(error('fairness.jain > 120%').error, 'fairness.jain is an index from 0 to 1: write a fraction like 0.9 or a percentage like 90%; got "120%"')
    assert.equal(error('fairness.cv < 1k').error, 'fairness.cv is a ratio: write a number like 0.1 or a percentage like 10%; got "1k"')
  })
  test('windows: whole seconds, one per threshold, on rates, latencies and throughput, compared with < <= > >=', () => {
    const error = (expr: string) => parseThreshold(expr) as {error: string; offset: number}
    assert.deepEqual(error('errors.count[window=10s] < 5'), {
      error: 'errors.count has no value per window: a window takes a rate, a latency or a throughput (latency.pNN, errors.rate, throughput.rps, throughput.bytesPerSec)',
      offset: 13,
    })
    assert.match(error('fairness.jain[window=5s] > 0.9').error, /^fairness\.jain has no value per window/)
    assert.match(error('latency.max[window=5s] < 1s').error, /^latency\.max has no value per window/)
    assert.match(error('latency.mean[window=5s] < 1s').error, /^latency\.mean has no value per window/)
    assert.deepEqual(error('errors.rate[steady, window=1500ms] < 1%'), {
      error: 'a window is a whole number of seconds (it slides by 1 s over per-second figures), like window=10s; got "1500ms"',
      offset: 20,
    })
    assert.equal(error('errors.rate[window=0s] < 1%').error, 'a window is a whole number of seconds (it slides by 1 s over per-second figures), like window=10s; got "0s"')
    assert.deepEqual(error('errors.rate[window=10] < 1%'), {error: 'window: durations carry a unit: 500ms, 5s, 2m (got the bare number 10)', offset: 12})
    assert.deepEqual(error('errors.rate[window=5s] == 0'), {error: 'a window threshold must hold in every window: compare with <, <=, > or >=, not ==', offset: 23})
    assert.deepEqual(error('errors.rate[window=5s, window=6s] < 1%'), {error: 'one window per threshold', offset: 23})
    assert.deepEqual(error('errors.rate[steady,surge] < 1%'), {error: 'one phase per threshold; got "steady" and "surge"', offset: 19})
    assert.deepEqual(error('errors.rate[steady; window=5s] < 1%'), {
      error: 'expected a phase name and/or window=DURATION in [brackets], like latency.p99[steady], errors.rate[window=10s] or errors.rate[steady, window=10s]; got "[steady; window=5s]"',
      offset: 11,
    })
    assert.deepEqual((parseThreshold('errors.rate[steady, window=5s] < 1%') as {windowAt: number}).windowAt, 20)
  })
  test('--time-scale shrinks windows with the phases, to whole seconds and at least one', () => {
    const s = parse('name: a\nload: {phases: [{name: steady, duration: 20s}]}\nthresholds: ["errors.rate[window=10s] < 1%", "latency.p99 < 5ms"]\n')
    assert.deepEqual(scaleTime(s, 0.25).thresholds.map((t) => t.window), [2000, undefined])
    assert.deepEqual(scaleTime(s, 0.05).thresholds.map((t) => t.window), [1000, undefined])
    assert.deepEqual(scaleTime(s, 2).thresholds.map((t) => t.window), [20_000, undefined])
  })
  test('a reversed or single operator gets the operator it stands for, at its column', () => {
    assert.deepEqual(parseThreshold('latency.p99 => 3ms'), {error: '"=>" is not an operator: did you mean >=?', offset: 12})
    assert.deepEqual(parseThreshold('errors.rate[steady] =< 1%'), {error: '"=<" is not an operator: did you mean <=?', offset: 20})
    assert.deepEqual(parseThreshold('errors.count <> 0'), {error: '"<>" is not an operator: did you mean !=?', offset: 13})
    assert.deepEqual(parseThreshold('failover.failed = 0'), {error: 'use == to compare for equality', offset: 16})
  })
})

describe('fault targets', () => {
  const faults = (list: string) => parse(`name: a\nreplicas: {count: 3}\nfaults:\n${list}`).faults
  test('one id, a list, or random', () => {
    const f = faults('  - {at: 0s, action: kill, target: r2}\n  - {at: 1s, action: pause, target: [r1, r3], for: 1s}\n  - {at: 2s, action: terminate, target: random}\n')
    assert.deepEqual(
      f.map((x) => x.target),
      [['r2'], ['r1', 'r3'], 'random'],
    )
    assert.deepEqual(
      f.map((x) => x.line),
      [4, 5, 6],
    )
  })
  test('fail defaults to status 503 for every request; exec has no target', () => {
    const [fail, exec] = faults('  - {at: 1s, action: fail, target: r1}\n  - {at: 2s, action: exec, command: "echo hi"}\n')
    assert.deepEqual(fail, {at: 1000, action: 'fail', target: ['r1'], status: 503, rate: 1, line: 4})
    assert.deepEqual(exec, {at: 2000, action: 'exec', command: 'echo hi', line: 5})
  })
  test('random in a list and a repeated id are errors', () => {
    assert.match(messageOf('name: a\nfaults: [{at: 1s, action: kill, target: [r1, random]}]\n'), /faults\.0\.target\.1: random picks one replica by itself/)
    assert.match(messageOf('name: a\nfaults: [{at: 1s, action: kill, target: [r1, r1]}]\n'), /faults\.0\.target\.1: r1 is listed twice/)
  })
})

describe('hash', () => {
  test('comments, key order and spelled-out defaults do not change it; a value does', () => {
    const a = parseScenarioText('name: a\nload: {connections: 10, timeout: 2s}\n', 'a.yaml').hash
    const b = parseScenarioText('# comment\n\n\nload: {timeout: 2000ms}\nname: a\n', 'b.yaml').hash
    const c = parseScenarioText('name: a\nload: {connections: 11}\n', 'c.yaml').hash
    assert.match(a, /^[0-9a-f]{64}$/)
    assert.equal(a, b)
    assert.notEqual(a, c)
  })
})

describe('load.generators: a number, or {count, on}', () => {
  test('the number keeps its meaning and its hash; the mapping gives the count, and where only when not here', () => {
    assert.equal(parse('name: a\nload: {generators: 3}\n').load.generators, 3)
    assert.equal(parse('name: a\nload: {generators: 3}\n').load.generatorsOn, undefined)
    const local = parseScenarioText('name: a\nload: {generators: {count: 3, on: local}}\n', 's.yaml')
    assert.equal(local.scenario.load.generators, 3)
    assert.equal(local.hash, parseScenarioText('name: a\nload: {generators: 3}\n', 's.yaml').hash)
    const swarm = parse('name: a\nload: {generators: {count: 2, on: swarm}}\n')
    assert.deepEqual([swarm.load.generators, swarm.load.generatorsOn], [2, 'swarm'])
    assert.equal(parse('name: a\nload: {generators: {count: 2}}\n').load.generatorsOn, undefined)
  })

  test('bad forms say where, which field, and what was expected', () => {
    const cases: Array<[string, string]> = [
      ['name: a\nload: {generators: {count: 0}}\n', 's.yaml:2:28 load.generators.count: must be at least 1; got 0'],
      ['name: a\nload: {generators: {count: 2, on: mars}}\n', 's.yaml:2:35 load.generators.on: expected one of local, swarm; got "mars"'],
      ['name: a\nload: {generators: {count: 2, where: swarm}}\n', 's.yaml:2:31 load.generators.where: unknown key; expected one of count, on'],
      ['name: a\nload: {generators: many}\n', 's.yaml:2:20 load.generators: expected a whole number from 1 to 16, or {count: N, on: local | swarm}; got the text "many"'],
    ]
    for (const [text, message] of cases) assert.equal(messageOf(text), message)
  })
})

test('swarm shards need a balancer to send to', () => {
  assert.equal(
    messageOf('name: a\nbalancer: {kind: none}\nload:\n  generators: {count: 2, on: swarm}\n'),
    's.yaml:4:30 load.generators.on: swarm shards send to one balancer; balancer.kind none spreads the load over the replicas itself: use a balancer, or on: local',
  )
})
