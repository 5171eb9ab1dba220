// Your own nginx/HAProxy configuration as a template (pure parts): rendering with its line map, what a
// checker's complaint becomes, and what each kind reads in a template at validation: how it balances,
// and where the scenario contradicts it.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {checkerProblem, placeholderProblems, renderTemplate, type ScenarioSide} from '../../src/balancers/own-config.js'
import {nginxInsertions, readNginxTemplate} from '../../src/balancers/nginx-template.js'
import {readHaproxyTemplate} from '../../src/balancers/haproxy-template.js'
import {parseNginx} from '../../src/balancers/nginx-syntax.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'
import type {BalancerSpec} from '../../src/model/scenario.js'

const side = (balancer: Partial<BalancerSpec> = {}, given: string[] = []): ScenarioSide => ({
  balancer: balancerScenario(balancer).balancer,
  given: (key) => given.includes(key),
})

const nginxTemplate = (upstream: string, location = 'proxy_pass http://app;') => `events {}
http {
  upstream app {
    ${upstream}
    {{servers}}
  }
  server {
    listen {{listen}};
    location / {
      ${location}
    }
  }
}
`

describe('renderTemplate', () => {
  const template = 'a\n  {{servers}}\n# {{listen}} in a comment\nlisten {{listen}};\nz'
  const r = renderTemplate(template, {listen: '127.0.0.1:9', servers: ['s1;', 's2;'], added: [{afterLine: 0, lines: ['# top']}, {afterLine: 1, lines: ['x1', 'x2']}]})

  test('fills the placeholders, one server line per replica at the placeholder\'s indentation; comments stay as they are', () => {
    assert.equal(r.text, '# top\na\nx1\nx2\n  s1;\n  s2;\n# {{listen}} in a comment\nlisten 127.0.0.1:9;\nz')
  })

  test("maps every rendered line to the template's line, and added lines to none", () => {
    assert.deepEqual(r.origin, [undefined, 1, undefined, undefined, 2, 2, 3, 4, 5])
  })
})

describe('placeholderProblems', () => {
  test('names a missing placeholder, and {{servers}} must stand alone on its line', () => {
    assert.deepEqual(placeholderProblems('listen {{listen}};'), [{path: 'balancer.config', message: placeholderProblems('listen {{listen}};')[0].message}])
    assert.match(placeholderProblems('listen {{listen}};')[0].message, /no \{\{servers\}\} placeholder/)
    assert.match(placeholderProblems('{{servers}}')[0].message, /no \{\{listen\}\} placeholder/)
    const inline = placeholderProblems('listen {{listen}};\nserver a; {{servers}}')
    assert.deepEqual(inline.map((p) => p.line), [2])
    assert.match(inline[0].message, /must stand alone on its line/)
    assert.deepEqual(placeholderProblems('# {{servers}} here is a comment\nlisten {{listen}};\n  {{servers}}'), [])
  })
})

describe('checkerProblem', () => {
  const rendered = renderTemplate('l1\nl2\n{{servers}}\nl4', {listen: 'x', servers: ['a', 'b', 'c'], added: [{afterLine: 1, lines: ['added']}]})

  test("nginx -t: the message without its file, at the template's line (the rendered line is shifted by what was added and the servers)", () => {
    const p = checkerProblem('nginx -t', 'nginx: [emerg] unknown directive "foo" in /run/nginx.conf:7\nnginx: configuration file /run/nginx.conf test failed', '/run/nginx.conf', rendered, 't.tmpl')
    assert.deepEqual(p, {file: 't.tmpl', line: 4, col: 1, path: '', message: 'nginx -t rejected it: [emerg] unknown directive "foo"'})
  })

  test("haproxy -c: the alert that names a line, at the template's line", () => {
    const out = "[NOTICE]   (1) : haproxy version is 2.6.12\n[ALERT]    (1) : config : parsing [/run/h.cfg:4] : unknown keyword 'foo' in 'backend' section\n[ALERT]    (1) : config : Fatal errors found in configuration."
    assert.deepEqual(checkerProblem('haproxy -c', out, '/run/h.cfg', rendered, 't.tmpl'), {file: 't.tmpl', line: 3, col: 1, path: '', message: "haproxy -c rejected it: unknown keyword 'foo' in 'backend' section"})
  })

  test('a line lbbench added: named, at the template line it follows', () => {
    const p = checkerProblem('nginx -t', 'nginx: [emerg] bad thing in /run/nginx.conf:2', '/run/nginx.conf', rendered, 't.tmpl')
    assert.equal(p.line, 1)
    assert.match(p.message, /in a line lbbench added after this one: added\)$/)
  })
})

describe('nginx templates', () => {
  const cases: Array<[string, string, {strategy?: string; hashKey?: string}]> = [
    ['', "round robin (nginx's default)", {strategy: 'round-robin'}],
    ['least_conn;', 'least_conn', {strategy: 'least-connections'}],
    ['ip_hash;', 'ip_hash', {strategy: 'ip-hash', hashKey: 'ip'}],
    ['random;', 'random', {strategy: 'random'}],
    ['random two least_conn;', 'random two least_conn', {strategy: 'p2c'}],
    ['hash $http_x_user consistent;', 'hash $http_x_user consistent', {strategy: 'consistent-hash', hashKey: 'header:x-user'}],
    ['hash $request_uri consistent;', 'hash $request_uri consistent', {strategy: 'consistent-hash', hashKey: 'path'}],
    ['hash $remote_addr;', 'hash $remote_addr', {}],
  ]
  for (const [directive, balancing, names] of cases) {
    test(`${directive || 'no balancing directive'}: ${balancing}`, () => {
      const r = readNginxTemplate(nginxTemplate(directive), side())
      assert.deepEqual(r.problems, [])
      assert.equal(r.balancing, balancing)
      assert.equal(r.strategy, names.strategy)
      assert.equal(r.hashKey, names.hashKey)
    })
  }

  test('a strategy, retries or statuses the scenario gives must be what the file says; timeout is the file\'s alone', () => {
    const template = nginxTemplate('least_conn;', 'proxy_pass http://app;\n      proxy_next_upstream error timeout http_502;\n      proxy_next_upstream_tries 2;')
    assert.deepEqual(readNginxTemplate(template, side({strategy: 'least-connections', retries: 1, health: {passive: {maxFails: 1, failTimeout: 1000, statuses: [502]}}}, ['strategy', 'retries', 'health'])).problems, [])
    const r = readNginxTemplate(template, side({strategy: 'round-robin', retries: 3, timeout: 5000, health: {passive: {maxFails: 1, failTimeout: 1000, statuses: [503]}}}, ['strategy', 'retries', 'health', 'timeout']))
    assert.deepEqual(r.problems.map((p) => p.path), ['balancer.strategy', 'balancer.retries', 'balancer.health.passive.statuses', 'balancer.timeout'])
    assert.match(r.problems[0].message, /^round-robin contradicts the file: line 4 of the file balances with "least_conn", which is least-connections; with config: leave it out/)
    assert.match(r.problems[1].message, /^3 contradicts the file: line 12 says proxy_next_upstream_tries 2 \(1 retries\)/)
    assert.match(r.problems[2].message, /http_503/)
    assert.match(r.problems[3].message, /does not apply with config: the file's own proxy_connect_timeout/)
  })

  test('no proxy_next_upstream_tries: nginx tries every server, which no retries figure is', () => {
    const r = readNginxTemplate(nginxTemplate('least_conn;'), side({retries: 1}, ['retries']))
    assert.match(r.problems[0].message, /it has no proxy_next_upstream_tries \(nginx then tries every server\) \(unlimited retries\)/)
  })

  test('{{servers}} outside an upstream, daemon on and unbalanced braces are problems at their lines', () => {
    const outside = readNginxTemplate('events {}\nhttp {\n  server {\n    listen {{listen}};\n    {{servers}}\n  }\n}\n', side())
    assert.deepEqual(outside.problems.map((p) => p.line), [5])
    assert.match(outside.problems[0].message, /^\{\{servers\}\} must be inside an upstream block of the http block \(it is in http → server\)$/)
    assert.deepEqual(readNginxTemplate(`daemon on;\n${nginxTemplate('')}`, side()).problems.map((p) => p.line), [1])
    assert.match(readNginxTemplate('http {\n  upstream a {\n', side()).problems[0].message, /nginx could not read this: a block is not closed/)
  })

  test("lbbench's logs go inside http, and beside an access_log or error_log of a server or location (not beside `off`)", () => {
    const text = 'http {\n  server {\n    access_log /x.log;\n    location / {\n      access_log off;\n      error_log /e.log;\n    }\n  }\n}\n'
    const parsed = parseNginx(text)
    assert.ok('directives' in parsed)
    const added = nginxInsertions(parsed.directives[0], ['M'], 'E', 'A')
    assert.deepEqual(added, [{afterLine: 1, lines: ['M', 'E']}, {afterLine: 3, lines: ['A']}, {afterLine: 6, lines: ['E']}])
  })
})

describe('HAProxy templates', () => {
  const template = (backend: string, defaults = '') => `global\n  maxconn 100\ndefaults\n  mode http\n${defaults}frontend f\n  bind {{listen}}\n  default_backend app\nbackend app\n${backend}  {{servers}}\n`

  test('how the backend holding {{servers}} balances, from its own lines or the defaults before it', () => {
    assert.deepEqual(pick(readHaproxyTemplate(template('  balance leastconn\n'), side())), {balancing: 'balance leastconn', strategy: 'least-connections', backend: 'app'})
    assert.deepEqual(pick(readHaproxyTemplate(template('', '  balance roundrobin\n'), side())), {balancing: 'balance roundrobin', strategy: 'round-robin', backend: 'app'})
    assert.deepEqual(pick(readHaproxyTemplate(template('  balance hdr(X-User)\n  hash-type consistent\n'), side())), {balancing: 'balance hdr(X-User) (hash-type consistent)', strategy: 'consistent-hash', backend: 'app'})
    assert.equal(readHaproxyTemplate(template('  balance first\n'), side()).strategy, undefined)
    assert.match(readHaproxyTemplate(template(''), side()).balancing, /HAProxy's default balance/)
  })

  test('a strategy, retries or active check the scenario gives must be what the file says', () => {
    const file = template('  balance leastconn\n  option httpchk GET /health\n', '  retries 2\n')
    const agrees = side({strategy: 'least-connections', retries: 2, health: {active: {path: '/health', interval: 1000, timeout: 500, rise: 2, fall: 3}}}, ['strategy', 'retries', 'health'])
    assert.deepEqual(readHaproxyTemplate(file, agrees).problems, [])
    const r = readHaproxyTemplate(file, side({strategy: 'random', retries: 3, retryNonIdempotent: true, health: {active: {path: '/', interval: 1000, timeout: 500, rise: 2, fall: 3}}}, ['strategy', 'retries', 'health', 'retryNonIdempotent']))
    assert.deepEqual(r.problems.map((p) => p.path), ['balancer.strategy', 'balancer.retries', 'balancer.health.active.path', 'balancer.retryNonIdempotent'])
    assert.match(r.problems[1].message, /^3 contradicts the file: line 5 says retries 2/)
    const noRetries = readHaproxyTemplate(template('  balance leastconn\n'), side({retries: 1}, ['retries']))
    assert.match(noRetries.problems[0].message, /it sets no retries \(HAProxy's default is 3\)/)
    const noCheck = readHaproxyTemplate(template('  balance leastconn\n'), side({health: {active: {path: '/', interval: 1000, timeout: 500, rise: 2, fall: 3}}}, ['health']))
    assert.match(noCheck.problems[0].message, /needs option httpchk/)
  })

  test('{{servers}} in a frontend, and daemon in global, are problems at their lines', () => {
    const r = readHaproxyTemplate('global\n  daemon\nfrontend f\n  bind {{listen}}\n  {{servers}}\n', side())
    assert.deepEqual(r.problems.map((p) => p.line).sort(), [2, 5])
  })
})

function pick(r: {balancing: string; strategy?: string; backend?: string}): Record<string, unknown> {
  return {balancing: r.balancing, strategy: r.strategy, backend: r.backend}
}
