import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {nginxConfig} from '../../src/balancers/nginx-config.js'
import {NginxLogAnalysis} from '../../src/balancers/nginx-logs.js'
import {nginx} from '../../src/balancers/kinds/nginx.js'
import {balancerKinds} from '../../src/balancers/registry.js'
import {findProgram} from '../../src/process/find-program.js'
import {RunError} from '../../src/model/errors.js'
import type {BalancerSpec} from '../../src/model/scenario.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'
import {skipWithout} from '../helpers/programs.js'

const backends = [1, 2, 3, 4].map((i) => ({id: `r${i}`, host: '127.0.0.1', port: 40000 + i}))
const dir = '/tmp/lbbench-nginx-test'

function generate(b: Partial<BalancerSpec>, opts: {version?: string; weights?: Record<string, number>; asRoot?: boolean} = {}): string {
  return nginxConfig({scenario: balancerScenario(b, 4, opts.weights), backends, port: 20080, dir, version: opts.version ?? '1.22.1', asRoot: opts.asRoot ?? false})
}
const lines = (text: string): string[] => text.split('\n').map((l) => l.trim())

const mappings: Array<[Partial<BalancerSpec>, string | undefined]> = [
  [{strategy: 'round-robin'}, undefined],
  [{strategy: 'weighted-round-robin'}, undefined],
  [{strategy: 'least-connections'}, 'least_conn;'],
  [{strategy: 'random'}, 'random;'],
  [{strategy: 'p2c'}, 'random two least_conn;'],
  [{strategy: 'ip-hash'}, 'ip_hash;'],
  [{strategy: 'consistent-hash'}, 'hash $uri consistent;'],
  [{strategy: 'consistent-hash', hashKey: 'path'}, 'hash $uri consistent;'],
  [{strategy: 'consistent-hash', hashKey: 'ip'}, 'hash $remote_addr consistent;'],
  [{strategy: 'consistent-hash', hashKey: 'header:X-User-Id'}, 'hash $http_x_user_id consistent;'],
]
const balancingDirectives = /^(least_conn|random|ip_hash|hash) /

describe('nginxConfig', () => {
  for (const [spec, directive] of mappings) {
    test(`${spec.strategy}${spec.hashKey ? ` (${spec.hashKey})` : ''} → ${directive ?? 'default round robin'}`, () => {
      const l = lines(generate(spec))
      const found = l.filter((x) => balancingDirectives.test(x) || x === 'least_conn;' || x === 'random;' || x === 'ip_hash;')
      assert.deepEqual(found, directive ? [directive] : [])
      // The balancing directive opens the upstream block, before `keepalive` (nginx requires that order).
      if (directive) assert.equal(l[l.indexOf(directive) - 1], `upstream lbbench_backends {`)
    })
  }

  test('servers carry weights and passive health; listen, timeouts, retries, keep-alive, header and log', () => {
    const l = lines(generate({retries: 2, timeout: 1500, health: {passive: {maxFails: 2, failTimeout: 1500, statuses: [503, 502]}}}, {weights: {r2: 3}}))
    for (const expected of [
      'server 127.0.0.1:40001 weight=1 max_fails=2 fail_timeout=2s;',
      'server 127.0.0.1:40002 weight=3 max_fails=2 fail_timeout=2s;',
      'listen 127.0.0.1:20080;',
      'proxy_connect_timeout 1500ms;',
      'proxy_read_timeout 1500ms;',
      'proxy_send_timeout 1500ms;',
      'proxy_next_upstream error timeout http_502 http_503;',
      'proxy_next_upstream_tries 3;',
      'keepalive 64;',
      'keepalive_timeout 4s;',
      'proxy_http_version 1.1;',
      'proxy_set_header Connection "";',
      'proxy_hide_header X-LBBench-Backend;',
      'add_header X-LBBench-Backend $lbbench_backend always;',
      'map $upstream_addr $lbbench_backend {',
      '"~(^|, | : )127\\.0\\.0\\.1:40003$" r3;',
      "log_format lbbench '$msec|$status|$upstream_addr|$upstream_status|$upstream_header_time|$upstream_response_time|$request_time';",
      'access_log access.log lbbench if=$lbbench_logged;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log notice;`,
      `client_body_temp_path ${dir}/temp/client_body;`,
      `proxy_temp_path ${dir}/temp/proxy;`,
      `fastcgi_temp_path ${dir}/temp/fastcgi;`,
      `uwsgi_temp_path ${dir}/temp/uwsgi;`,
      `scgi_temp_path ${dir}/temp/scgi;`,
      'worker_processes 1;',
    ]) {
      assert.ok(l.includes(expected), `missing line: ${expected}`)
    }
    assert.ok(!l.some((x) => x.startsWith('user ')), 'no user directive when not root')
  })

  test('without passive health nginx never marks a server down (max_fails=0); retries 0 → one try', () => {
    const l = lines(generate({retries: 0}))
    assert.ok(l.includes('server 127.0.0.1:40004 weight=1 max_fails=0 fail_timeout=10s;'))
    assert.ok(l.includes('proxy_next_upstream error timeout;'))
    assert.ok(l.includes('proxy_next_upstream_tries 1;'))
  })

  test('as root, workers stay root (the private folder is 0700)', () => {
    assert.ok(lines(generate({}, {asRoot: true})).includes('user root root;'))
  })

  test('retryNonIdempotent → non_idempotent', () => {
    assert.ok(lines(generate({retryNonIdempotent: true})).includes('proxy_next_upstream error timeout non_idempotent;'))
  })

  test('only directives the installed version has', () => {
    assert.throws(() => generate({strategy: 'p2c'}, {version: '1.14.2'}), (e: unknown) => e instanceof RunError && /1\.15\.1/.test(e.message))
    const old = lines(generate({}, {version: '1.14.2'}))
    assert.ok(old.includes('keepalive 64;'))
    assert.ok(!old.includes('keepalive_timeout 4s;'))
    assert.throws(() => generate({health: {passive: {maxFails: 1, failTimeout: 1000, statuses: [429]}}}, {version: '1.10.3'}), /http_429/)
  })
})

describe('nginx -t accepts every mapping', {skip: skipWithout('nginx')}, () => {
  test('all strategies, with weights, passive health and statuses', () => {
    const nginx = findProgram('nginx')!
    // nginx -v prints to stderr.
    const version = /nginx\/([\d.]+)/.exec(String(execFileSync('sh', ['-c', `"${nginx}" -v 2>&1`])))![1]
    const root = mkdtempSync(join(tmpdir(), 'lbbench-nginx-t-'))
    try {
      for (const [i, [spec]] of mappings.entries()) {
        const d = join(root, String(i))
        mkdirSync(join(d, 'temp'), {recursive: true})
        const text = nginxConfig({
          scenario: balancerScenario({...spec, health: {passive: {maxFails: 2, failTimeout: 500, statuses: [502, 503, 504]}}}, 4, {r3: 2}),
          backends,
          port: 20080,
          dir: d,
          version,
          asRoot: process.getuid?.() === 0,
        })
        writeFileSync(join(d, 'nginx.conf'), text)
        try {
          execFileSync(nginx, ['-t', '-q', '-c', join(d, 'nginx.conf'), '-p', `${d}/`, '-e', join(d, 'error.log')], {stdio: 'pipe'})
        } catch (err) {
          assert.fail(`nginx -t rejected ${spec.strategy}: ${String((err as {stderr: Buffer}).stderr)}`)
        }
      }
    } finally {
      rmSync(root, {recursive: true, force: true})
    }
  })
})

describe('NginxLogAnalysis', () => {
  const ids = (): Map<string, string> => new Map([['127.0.0.1:40001', 'r1'], ['127.0.0.1:40002', 'r2']])

  test('counts attempts, failed attempts, retries, responders and no-backend answers', () => {
    const a = new NginxLogAnalysis(ids())
    a.feed([], [
      '1700000000.100|200|127.0.0.1:40001|200|0.001|0.001|0.001',
      '1700000000.200|200|127.0.0.1:40002, 127.0.0.1:40001|502, 200|-, 0.001|0.000, 0.001|0.002',
      '1700000000.300|502|127.0.0.1:40002|502|-|0.000|0.000',
      '1700000000.400|502|lbbench_backends|502|-|0.000|0.000',
      '1700000000.500|500|127.0.0.1:40001|500|0.002|0.002|0.002',
    ])
    const {attemptBuckets, ...counts} = a.stats()
    assert.deepEqual(counts, {
      attempts: {r1: 3, r2: 2},
      failedAttempts: {r2: 2},
      retries: 1,
      noBackend: 1,
      requests: {r1: 3, r2: 1},
    })
    // Each attempt in the 100 ms bucket of its start ($msec − $request_time): .099, .198 (both tries), .300, .498.
    const t = 1700000000000
    assert.deepEqual(attemptBuckets, [
      {epochMs: t, attempts: {r1: 1}, failed: {}},
      {epochMs: t + 100, attempts: {r2: 1, r1: 1}, failed: {r2: 1}},
      {epochMs: t + 300, attempts: {r2: 1}, failed: {r2: 1}},
      {epochMs: t + 400, attempts: {r1: 1}, failed: {}},
    ])
  })

  test('a retry after a timed-out try starts when that try gave up', () => {
    const a = new NginxLogAnalysis(ids())
    // r2 timed out after 2 s, r1 answered in 5 ms: the request started at 97.993 s, r1's try at 99.993 s.
    a.feed([], ['1700000100.000|200|127.0.0.1:40002, 127.0.0.1:40001|504, 200|-, 0.004|2.000, 0.005|2.007'])
    const t = 1700000000000
    assert.deepEqual(a.stats().attemptBuckets, [
      {epochMs: t + 97_900, attempts: {r2: 1}, failed: {r2: 1}},
      {epochMs: t + 99_900, attempts: {r1: 1}, failed: {}},
    ])
  })

  test('down from the error log (time refined from the access log), up at the next success', () => {
    const a = new NginxLogAnalysis(ids())
    const second = new Date(2023, 10, 14, 22, 13, 20).getTime()
    const at = (ms: number): string => ((second + ms) / 1000).toFixed(3)
    const changes = a.feed(
      ['2023/11/14 22:13:20 [warn] 7#7: *9 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:40002/", host: "x"'],
      [`${at(100)}|200|127.0.0.1:40002, 127.0.0.1:40001|502, 200|-, 0.001|0.000, 0.001|0.002`],
    )
    assert.deepEqual(changes, [{id: 'r2', state: 'down', reason: 'upstream server temporarily disabled (max_fails reached)', epochMs: second + 100}])
    const back = a.feed([], [`${at(12_000)}|200|127.0.0.1:40002|200|0.001|0.001|0.001`])
    assert.deepEqual(back, [{id: 'r2', state: 'up', reason: 'a request to it succeeded after fail_timeout', epochMs: second + 12_000}])
  })

  test('a replica that moved keeps its id', () => {
    const a = new NginxLogAnalysis(ids())
    a.setAddress('127.0.0.1:40009', 'r2')
    a.feed([], ['1700000000.100|200|127.0.0.1:40009|200|0.001|0.001|0.001'])
    assert.deepEqual(a.stats().attempts, {r2: 1})
  })
})

describe('nginx.check', () => {
  const problems = (b: Partial<BalancerSpec>, weights?: Record<string, number>) => nginx.check(balancerScenario({kind: 'nginx', ...b}, 4, weights))

  test('is the nginx entry of balancerKinds', () => assert.equal(balancerKinds.get('nginx'), nginx))
  test('every mapped strategy is fine', () => {
    for (const [spec] of mappings) assert.deepEqual(problems(spec), [])
  })
  test('peak-ewma and maglev name what nginx can do instead', () => {
    const [p] = problems({strategy: 'peak-ewma'})
    assert.equal(p.path, 'balancer.strategy')
    assert.match(p.message, /nginx has no peak-ewma strategy; the closest it has is p2c or least-connections\. nginx can do: round-robin, .*consistent-hash/)
    assert.match(problems({strategy: 'maglev'})[0].message, /closest it has is consistent-hash/)
  })
  test('active health checks, odd statuses, weights, retry budget and bad hash keys are refused', () => {
    assert.deepEqual(
      problems({health: {active: {path: '/', interval: 1000, timeout: 500, rise: 2, fall: 3}}}).map((p) => p.path),
      ['balancer.health.active'],
    )
    assert.match(problems({health: {active: {path: '/', interval: 1000, timeout: 500, rise: 2, fall: 3}}})[0].message, /use health\.passive/)
    assert.deepEqual(problems({health: {passive: {maxFails: 1, failTimeout: 1000, statuses: [418]}}}).map((p) => p.path), ['balancer.health.passive.statuses'])
    assert.deepEqual(problems({}, {r2: 0}).map((p) => p.path), ['replicas.overrides.r2.weight'])
    assert.deepEqual(problems({retryBudget: 0.2}).map((p) => p.path), ['balancer.retryBudget'])
    assert.deepEqual(problems({strategy: 'consistent-hash', hashKey: 'cookie:x'}).map((p) => p.path), ['balancer.hashKey'])
  })
})
