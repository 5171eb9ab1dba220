// balancer.mode tcp's pure parts: what validation refuses (balancer-mode.ts), the nginx stream
// configuration and its access log, where nginx's stream module is, HAProxy's mode tcp lines (each
// checked by the real program when it is there), the idle timeout the three L4 balancers share, compare's
// --modes subjects, the labels, and the connections and bytes columns of the reports.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {modeProblems} from '../../src/balancers/balancer-mode.js'
import {haproxyConfig} from '../../src/balancers/haproxy-config.js'
import {builtin} from '../../src/balancers/kinds/builtin.js'
import {NginxLogAnalysis} from '../../src/balancers/nginx-logs.js'
import {nginxStreamAccessLog, nginxStreamConfig} from '../../src/balancers/nginx-stream-config.js'
import {streamModuleOf, streamModuleToLoad} from '../../src/balancers/nginx-stream-module.js'
import {compareSubjects} from '../../src/cli/compare-subjects.js'
import {mergeProxyStats} from '../../src/proxy/merge-stats.js'
import {tcpIdleMs} from '../../src/proxy/tcp/tcp-server.js'
import {renderTerminal} from '../../src/report/terminal.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderHtml} from '../../src/report/html.js'
import {sampleReport} from '../fixtures/sample-report.js'
import type {ProxyStats} from '../../src/proxy/messages.js'
import {subjectScenario} from '../../src/cli/subject-scenario.js'
import {findProgram} from '../../src/process/find-program.js'
import type {BalancerSpec} from '../../src/model/scenario.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'
import {skipWithout} from '../helpers/programs.js'

const backends = [1, 2].map((i) => ({id: `r${i}`, host: '127.0.0.1', port: 40000 + i}))
const tcp = (b: Partial<BalancerSpec> = {}): BalancerSpec => balancerScenario({mode: 'tcp', ...b}).balancer
const lines = (text: string): string[] => text.split('\n').map((l) => l.trim())

describe('mode tcp: what a scenario may ask', () => {
  test('hashing on the client address is allowed; on a path or a header, statuses, retryNonIdempotent and TLS are not', () => {
    assert.deepEqual(modeProblems(tcp({strategy: 'ip-hash', hashKey: 'ip'})), [])
    assert.deepEqual(modeProblems(tcp({strategy: 'consistent-hash', hashKey: 'ip'})), [])
    assert.deepEqual(modeProblems(balancerScenario({strategy: 'consistent-hash', hashKey: 'path'}).balancer), [], 'mode http: anything goes')
    const problems = modeProblems(tcp({strategy: 'maglev', hashKey: 'path', retryNonIdempotent: true, health: {passive: {maxFails: 1, failTimeout: 1000, statuses: [502]}}, tls: {selfSigned: true}}))
    assert.deepEqual(
      problems.map((p) => p.path),
      ['balancer.hashKey', 'balancer.health.passive.statuses', 'balancer.retryNonIdempotent', 'balancer.tls'],
    )
    assert.match(problems[0].message, /maglev cannot hash on path; use hashKey: ip/)
  })

  test('the label says mode tcp; mode http says nothing', () => {
    assert.equal(builtin.label(tcp({strategy: 'least-connections'})), 'built-in proxy (least-connections, mode tcp)')
    assert.equal(builtin.label(balancerScenario({mode: 'http'}).balancer), 'built-in proxy (round-robin)')
  })
})

describe('nginx stream (mode tcp)', () => {
  const generate = (b: Partial<BalancerSpec>, streamModule?: string): string =>
    nginxStreamConfig({scenario: balancerScenario({mode: 'tcp', ...b}, 2), backends, port: 20090, dir: '/tmp/x', version: '1.22.1', asRoot: false, streamModule})

  test('a stream block with the strategy, the servers, connect timeout and tries; the module loaded first', () => {
    const text = generate({strategy: 'least-connections', retries: 2, timeout: 1500}, '/usr/lib/nginx/modules/ngx_stream_module.so')
    assert.equal(text.split('\n')[0], 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;')
    const l = lines(text)
    for (const want of ['stream {', 'least_conn;', 'proxy_pass lbbench_backends;', 'proxy_connect_timeout 1500ms;', 'proxy_next_upstream on;', 'proxy_next_upstream_tries 3;']) {
      assert.ok(l.includes(want), `${want} in:\n${text}`)
    }
    assert.ok(!l.includes('http {'), 'no http block')
    assert.ok(!generate({}).includes('load_module'), 'built in: nothing to load')
  })

  test('ip-hash and consistent-hash hash on the client address (the stream module has no ip_hash)', () => {
    assert.ok(lines(generate({strategy: 'ip-hash', hashKey: 'ip'})).includes('hash $remote_addr;'))
    assert.ok(lines(generate({strategy: 'consistent-hash', hashKey: 'ip'})).includes('hash $remote_addr consistent;'))
  })

  test('nginx -t accepts it', {skip: skipWithout('nginx')}, (t) => {
    const nginx = findProgram('nginx')!
    let module: string | undefined
    try {
      module = streamModuleToLoad(execFileSync('sh', ['-c', `"${nginx}" -V 2>&1`], {encoding: 'utf8'}))
    } catch (e) {
      if (process.env.CI) throw e
      return t.skip(String(e))
    }
    const d = mkdtempSync(join(tmpdir(), 'lbbench-stream-t-'))
    try {
      const text = nginxStreamConfig({scenario: balancerScenario({mode: 'tcp', strategy: 'p2c'}, 2), backends, port: 20090, dir: d, version: '1.22.1', asRoot: false, streamModule: module})
      writeFileSync(join(d, 'nginx.conf'), text)
      execFileSync(nginx, ['-t', '-q', '-c', join(d, 'nginx.conf'), '-p', `${d}/`, '-e', join(d, 'error.log')], {stdio: 'pipe'})
    } finally {
      rmSync(d, {recursive: true, force: true})
    }
  })

  test('its access log: a session per line, connect attempts, bytes of the last server, no server at all', () => {
    const a = new NginxLogAnalysis(new Map([['127.0.0.1:40001', 'r1'], ['127.0.0.1:40002', 'r2']]), nginxStreamAccessLog)
    const changes = a.feed(
      [
        '2023/11/14 22:13:20 [warn] 1#1: *19 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: 127.0.0.1:20090, upstream: "127.0.0.1:40002", bytes from/to client:0/0, bytes from/to upstream:0/0',
      ],
      [
        '1700000000.500|200|127.0.0.1:40001|0.000|84|156|0.400',
        '1700000000.900|200|127.0.0.1:40002, 127.0.0.1:40001|-, 0.001|0, 12480|0, 35520|0.700',
        '1700000001.000|502|-|-|0|0|0.001',
      ],
    )
    const {attemptBuckets, ...counts} = a.stats()
    assert.deepEqual(counts, {
      attempts: {r1: 2, r2: 1},
      failedAttempts: {r2: 1},
      retries: 1,
      noBackend: 1,
      connections: {r1: 2},
      bytesToBackend: {r1: 84 + 12480},
      bytesFromBackend: {r1: 156 + 35520},
    })
    // Each session in the bucket of its start ($msec − $session_time): .100 and .200.
    assert.deepEqual(attemptBuckets?.map((b) => b.epochMs), [1700000000100, 1700000000200])
    const down = changes.find((c) => c.id === 'r2' && c.state === 'down')
    assert.ok(down, JSON.stringify(changes))
  })

  test("where the module is, from nginx -V's configure arguments", () => {
    assert.equal(streamModuleOf('configure arguments: --prefix=/usr/share/nginx --modules-path=/usr/lib/nginx/modules --with-stream=dynamic'), '/usr/lib/nginx/modules/ngx_stream_module.so')
    assert.equal(streamModuleOf('configure arguments: --prefix=/opt/nginx --with-stream=dynamic'), '/opt/nginx/modules/ngx_stream_module.so')
    assert.equal(streamModuleOf('configure arguments: --with-stream --with-http_ssl_module'), 'built-in')
    assert.equal(streamModuleOf('configure arguments: --with-http_ssl_module'), undefined)
    assert.throws(() => streamModuleToLoad('configure arguments: --modules-path=/nonexistent --with-stream=dynamic'), /stream module \(\/nonexistent\/ngx_stream_module\.so is missing\)\. Install it with: apt-get install libnginx-mod-stream/)
    assert.throws(() => streamModuleToLoad('configure arguments: --with-http_ssl_module'), /built without --with-stream/)
  })
})

describe('HAProxy mode tcp', () => {
  const generate = (b: Partial<BalancerSpec>, dir = '/tmp/x'): string =>
    haproxyConfig({scenario: balancerScenario({kind: 'haproxy', mode: 'tcp', ...b}, 2), backends, port: 20091, dir, version: '2.6.12'})

  test('mode tcp, connect retries with redispatch, an idle server timeout, and no HTTP rules', () => {
    const l = lines(generate({retries: 1, timeout: 1500, health: {active: {path: '/health', interval: 1000, timeout: 500, rise: 2, fall: 3}}}))
    for (const want of ['mode tcp', 'timeout connect 1500ms', 'timeout server 60s', 'retries 1', 'option redispatch 1', 'option httpchk GET /health']) {
      assert.ok(l.includes(want), `${want} in:\n${l.join('\n')}`)
    }
    assert.deepEqual(l.filter((x) => /^(http-|retry-on|timeout http-keep-alive)/.test(x)), [])
  })

  test('haproxy -c accepts it', {skip: skipWithout('haproxy')}, () => {
    const d = mkdtempSync(join(tmpdir(), 'lbbench-haproxy-tcp-'))
    try {
      mkdirSync(d, {recursive: true})
      writeFileSync(join(d, 'haproxy.cfg'), generate({strategy: 'consistent-hash', hashKey: 'ip', retries: 1, health: {passive: {maxFails: 2, failTimeout: 1000, statuses: []}}}, d))
      execFileSync(findProgram('haproxy')!, ['-c', '-q', '-f', join(d, 'haproxy.cfg')], {stdio: 'pipe'})
    } finally {
      rmSync(d, {recursive: true, force: true})
    }
  })
})

test('the three L4 balancers close an idle connection alike: the built-in forwarder, nginx proxy_timeout, HAProxy timeout client and server', () => {
  const seconds = `${tcpIdleMs / 1000}s`
  assert.equal(seconds, '60s')
  const nginx = lines(nginxStreamConfig({scenario: balancerScenario({mode: 'tcp'}, 2), backends, port: 20090, dir: '/tmp/x', version: '1.22.1', asRoot: false}))
  assert.deepEqual(nginx.filter((l) => l.startsWith('proxy_timeout')), [`proxy_timeout ${seconds};`])
  const haproxy = lines(haproxyConfig({scenario: balancerScenario({kind: 'haproxy', mode: 'tcp'}, 2), backends, port: 20091, dir: '/tmp/x', version: '2.6.12'}))
  assert.deepEqual(haproxy.filter((l) => /^timeout (client|server)/.test(l)), [`timeout server ${seconds}`, `timeout client ${seconds}`])
})

describe('lbbench compare --modes', () => {
  test('modes alone, and crossed with balancers (a balancer with one mode once)', () => {
    assert.deepEqual(compareSubjects(undefined, undefined, 'tcp,http'), [
      {label: 'tcp', mode: 'tcp'},
      {label: 'http', mode: 'http'},
    ])
    assert.deepEqual(compareSubjects(undefined, 'builtin,none', 'tcp,http').map((s) => s.label), ['builtin/tcp', 'builtin/http', 'none'])
    assert.throws(() => compareSubjects(undefined, undefined, 'udp'), /--modes: unknown name udp/)
  })

  test("the shipped l4-vs-l7 scenario under each mode; a mode the file's strategy cannot take is refused", () => {
    const text = readFileSync('scenarios/l4-vs-l7.yaml', 'utf8')
    for (const mode of ['tcp', 'http']) {
      const s = subjectScenario(text, 'l4-vs-l7.yaml', {label: mode, mode})
      assert.ok('loaded' in s, JSON.stringify(s))
      assert.equal(s.loaded.scenario.balancer.mode, mode)
    }
    const hashed = subjectScenario('name: x\nbalancer: {strategy: consistent-hash, hashKey: path}\n', 'x.yaml', {label: 'tcp', mode: 'tcp'})
    assert.ok('problems' in hashed && /balancer.hashKey: mode tcp sees connections/.test(hashed.problems[0]), JSON.stringify(hashed))
  })
})

test("several proxy workers' connections and bytes add up", () => {
  const worker = (connections: number, bytes: number): ProxyStats => ({
    attempts: {r1: connections},
    failedAttempts: {},
    retries: 0,
    noBackend: 0,
    staleSocketRetries: 0,
    inflightDropped: 0,
    connections: {r1: connections},
    bytesToBackend: {r1: bytes},
    bytesFromBackend: {r1: bytes * 2},
  })
  const merged = mergeProxyStats([worker(2, 100), worker(3, 50)])
  assert.deepEqual([merged.connections, merged.bytesToBackend, merged.bytesFromBackend], [{r1: 5}, {r1: 150}, {r1: 300}])
  assert.equal(mergeProxyStats([{...worker(1, 1), connections: undefined, bytesToBackend: undefined, bytesFromBackend: undefined}]).connections, undefined, 'mode http: none')
})

/** A mode tcp report: each backend with connects, connections and bytes, r4 without bytes (none counted). */
function tcpReport() {
  const r = sampleReport()
  r.scenario.balancer.mode = 'tcp'
  r.backends = r.backends.map((b, i) => ({...b, attempts: 2, connections: 10 + i, bytes: {toBackend: 355_230, fromBackend: 1_011_025 * (i + 1)}}))
  delete r.backends[3].bytes
  return r
}

test('the terminal report of a mode tcp run: connections and bytes per backend, and what its attempts are', () => {
  const text = renderTerminal(tcpReport(), {color: false, width: 200})
  const head = lines(text).find((l) => l.startsWith('backend '))!
  assert.deepEqual(head.split(/\s{2,}/), ['backend', 'requests', 'share', 'errors', 'attempts', 'connections', 'bytes to / from', 'p50', 'p99', 'events'])
  assert.deepEqual(lines(text).find((l) => l.startsWith('r2 '))!.split(/\s{2,}/).slice(0, 9), ['r2', '2,961', '15.0%', '0', '2', '11', '355.23 kB / 2.02 MB', '1.195 ms', '4.120 ms'])
  assert.deepEqual(lines(text).find((l) => l.startsWith('r4 '))!.split(/\s{2,}/).slice(4, 7), ['2', '13', '–'])
  assert.match(text.replace(/\n {2}/g, ' '), /attempts: connects the balancer started to it in the measured time/)
})

test('the Markdown and HTML reports of a mode tcp run: the same connections and bytes columns as the terminal', () => {
  const r = tcpReport()
  const md = renderMarkdown(r).split('\n')
  const at = md.indexOf('### Backends')
  assert.deepEqual(md.slice(at + 2, at + 5), [
    '| backend | requests | share | errors | attempts | connections | bytes to / from | p50 | p99 | events |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    '| r1 | 5,598 | 28.4% | 0 | 2 | 10 | 355.23 kB / 1.01 MB | 1.184 ms | 3.380 ms |  |',
  ])
  assert.equal(md[at + 7], '| r4 | 5,577 | 28.3% | 0 | 2 | 13 | – | 1.184 ms | 3.380 ms |  |')
  assert.match(md[at + 9], /connections and bytes: what it forwarded over the whole run<\/sub>$/)

  const html = /<h2>Backends<\/h2><table><thead><tr>(.*?)<\/tr><\/thead><tbody>\n(.*?)\n/s.exec(renderHtml(r))!
  assert.equal(html[1], ['backend', 'requests', 'share', 'errors', 'attempts', 'connections', 'bytes to / from', 'p50', 'p99']
    .map((h, i) => `<th${i > 0 ? ' class="num"' : ''}>${h}</th>`).join('') + '<th>events</th>')
  assert.equal(html[2], '<tr>' + ['r1', '5,598', '28.4%', '0', '2', '10', '355.23 kB / 1.01 MB', '1.184 ms', '3.380 ms']
    .map((c, i) => `<td${i > 0 ? ' class="num"' : ''}>${c}</td>`).join('') + '<td><span class="events"></span></td></tr>')
})

test('a mode http report has neither column in any format', () => {
  const r = sampleReport()
  for (const text of [renderTerminal(r, {color: false, width: 200}), renderMarkdown(r), renderHtml(r)]) {
    assert.doesNotMatch(text, /bytes to \/ from|connections<\/th>|\| connections \|/)
    assert.match(text, /attempts/)
  }
})
