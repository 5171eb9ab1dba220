// The scenario keys for your own stack, through the loader: balancer.config read beside the scenario
// (what it fills in, what it refuses, with positions in the scenario and in the template),
// balancer.tls (made certificates, your own certificate and key), load.keepAlive; the self-signed
// certificate; and the summary's new connections per second.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {createPrivateKey, X509Certificate} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describeBalancer} from '../../src/balancers/registry.js'
import {certificateSerial, selfSignedCertificate} from '../../src/balancers/self-signed.js'
import {ScenarioError} from '../../src/model/errors.js'
import type {Sample} from '../../src/model/generator-messages.js'
import {mergeSamples} from '../../src/metrics/merge-samples.js'
import {summarize} from '../../src/metrics/summary.js'
import {parseScenarioText} from '../../src/scenario/load.js'

const dir = mkdtempSync(join(tmpdir(), 'lbbench-own-stack-'))
after(() => rmSync(dir, {recursive: true, force: true}))
const scenarioFile = join(dir, 'scenario.yaml')
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text)
  return name
}

const nginxTemplate = file('nginx.conf.tmpl', 'events {}\nhttp {\n  upstream app {\n    least_conn;\n    {{servers}}\n  }\n  server {\n    listen {{listen}};\n    location / { proxy_pass http://app; proxy_next_upstream_tries 2; }\n  }\n}\n')

const load = (balancer: string, extra = '') => parseScenarioText(`name: own\nbalancer:\n${balancer.replace(/^/gm, '  ')}\n${extra}`, scenarioFile)

function problems(balancer: string, extra = ''): string[] {
  try {
    load(balancer, extra)
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e))
    assert.equal(e.exitCode, 2)
    return e.message.split('\n')
  }
  assert.fail('accepted')
}

describe('balancer.config', () => {
  test('the file says how it balances: the resolved strategy and the label say so', () => {
    const s = load(`kind: nginx\nconfig: ./${nginxTemplate}`).scenario
    assert.deepEqual(s.balancer.config, {file: './nginx.conf.tmpl', balancing: 'least_conn'})
    assert.equal(s.balancer.strategy, 'least-connections')
    assert.equal(describeBalancer(s.balancer), 'nginx (strategy: from config (least_conn), config nginx.conf.tmpl)')
  })

  test('a strategy or retries the file agrees with is fine; one it contradicts is exit 2 at the key, naming the file\'s line', () => {
    assert.equal(load(`kind: nginx\nconfig: ./${nginxTemplate}\nstrategy: least-connections\nretries: 1`).scenario.balancer.retries, 1)
    const said = problems(`kind: nginx\nconfig: ./${nginxTemplate}\nstrategy: round-robin\nretries: 2`)
    assert.equal(said.length, 2)
    assert.match(said[0], /scenario\.yaml:5:13 balancer\.strategy: round-robin contradicts the file: line 4 of the file balances with "least_conn"/)
    assert.match(said[1], /scenario\.yaml:6:12 balancer\.retries: 2 contradicts the file: line 9 says proxy_next_upstream_tries 2 \(1 retry\)/)
  })

  test('a missing file, a kind that runs no configuration of yours, a missing placeholder', () => {
    assert.match(problems('kind: nginx\nconfig: ./nope.tmpl')[0], /scenario\.yaml:4:11 balancer\.config: cannot be read: no such file \(.*nope\.tmpl\)$/)
    assert.match(problems(`kind: builtin\nconfig: ./${nginxTemplate}`)[0], /scenario\.yaml:4:3 balancer\.config: applies to nginx, haproxy only \(your own configuration for them\); balancer\.kind is builtin$/)
    const noServers = file('no-servers.tmpl', 'http { server { listen {{listen}}; } }\n')
    assert.match(problems(`kind: nginx\nconfig: ./${noServers}`)[0], /balancer\.config: the file has no \{\{servers\}\} placeholder/)
  })

  test("a problem inside the template is at the template's own line", () => {
    const outside = file('outside.tmpl', 'http {\n  server {\n    listen {{listen}};\n    {{servers}}\n  }\n}\n')
    assert.deepEqual(problems(`kind: nginx\nconfig: ./${outside}`), [`${join(dir, 'outside.tmpl')}:4:1 {{servers}} must be inside an upstream block of the http block (it is in http → server)`])
  })
})

describe('balancer.tls and load.keepAlive', () => {
  test('tls: true is a certificate made for the run; false and absent are no TLS; keepAlive is written only when false', () => {
    const s = load('kind: nginx\ntls: true', 'load: {keepAlive: false}\n').scenario
    assert.deepEqual(s.balancer.tls, {selfSigned: true})
    assert.equal(s.load.keepAlive, false)
    assert.equal(describeBalancer(s.balancer), 'nginx (round-robin, TLS)')
    const plain = load('kind: nginx\ntls: false', 'load: {keepAlive: true}\n').scenario
    assert.ok(!('tls' in plain.balancer) && !('keepAlive' in plain.load) && !('config' in plain.balancer))
    // A scenario without the new keys keeps its hash: its resolved form has none of them.
    assert.equal(load('kind: nginx').hash, load('kind: nginx\ntls: false', 'load: {keepAlive: true}\n').hash)
  })

  test('keepAlive {requests: N}: resolved as keepAliveRequests; {requests: 1} is keepAlive false, hash and all', () => {
    const every = load('kind: builtin', 'load: {keepAlive: {requests: 20}}\n').scenario
    assert.equal(every.load.keepAliveRequests, 20)
    assert.ok(!('keepAlive' in every.load))
    const one = load('kind: builtin', 'load: {keepAlive: {requests: 1}}\n')
    assert.equal(one.scenario.load.keepAlive, false)
    assert.ok(!('keepAliveRequests' in one.scenario.load))
    assert.equal(one.hash, load('kind: builtin', 'load: {keepAlive: false}\n').hash)
    const expected = 'expected true, false (a new connection per request) or {requests: N} (a new connection after N requests); got '
    assert.deepEqual(problems('kind: builtin', 'load: {keepAlive: 5}\n'), [`${scenarioFile}:4:19 load.keepAlive: ${expected}5`])
    assert.deepEqual(problems('kind: builtin', 'load:\n  keepAlive: {requests: 0}\n'), [`${scenarioFile}:5:25 load.keepAlive.requests: must be greater than 0; got 0`])
    assert.equal(problems('kind: builtin', 'load:\n  keepAlive: {request: 5}\n')[1], `${scenarioFile}:5:15 load.keepAlive.request: unknown key (did you mean requests?); expected one of requests`)
  })

  test('your own certificate and key: read, and they must belong together', () => {
    const a = selfSignedCertificate()
    const b = selfSignedCertificate()
    file('a.pem', a.cert)
    file('a.key', a.key)
    file('b.key', b.key)
    assert.deepEqual(load('kind: haproxy\ntls: {cert: ./a.pem, key: ./a.key}').scenario.balancer.tls, {cert: './a.pem', key: './a.key'})
    assert.match(problems('kind: haproxy\ntls: {cert: ./a.pem, key: ./b.key}')[0], /balancer\.tls\.key: is not the key of the certificate .*a\.pem/)
    assert.match(problems('kind: haproxy\ntls: {cert: ./a.key, key: ./a.key}')[0], /balancer\.tls\.cert: is not a PEM certificate/)
    assert.match(problems('kind: haproxy\ntls: {cert: ./gone.pem, key: ./a.key}')[0], /balancer\.tls\.cert: cannot be read: no such file/)
  })

  test('a kind that does not terminate TLS', () => {
    assert.match(problems('kind: none\ntls: true')[0], /balancer\.tls: applies to builtin, nginx, haproxy \(the balancer terminates TLS\); balancer\.kind is none$/)
  })
})

test('the serial number is positive and in its fewest bytes, whatever the random bytes (OpenSSL refuses a needless leading 0)', () => {
  for (const first of [0x00, 0x01, 0x3f, 0x7f, 0x80, 0xff]) {
    const random = Buffer.alloc(16, 0x00)
    random[0] = first
    const serial = certificateSerial(random)
    assert.equal(serial.length, 16)
    assert.ok(serial[0] >= 0x40 && serial[0] <= 0x7f, `first byte ${serial[0].toString(16)} from ${first.toString(16)}`)
    assert.ok(serial.subarray(1).equals(random.subarray(1)), 'the other bytes are the random ones')
  }
})

test('the self-signed certificate: for 127.0.0.1, ::1 and localhost, valid now, signed by its own key', () => {
  const made = selfSignedCertificate(30, new Date('2030-01-01T00:00:00Z'))
  const cert = new X509Certificate(made.cert)
  assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1')
  assert.ok(cert.checkPrivateKey(createPrivateKey(made.key)))
  assert.ok(cert.verify(cert.publicKey), 'self-signed')
  assert.ok(cert.checkHost('localhost') && cert.checkIP('127.0.0.1'))
  assert.equal(new Date(cert.validFrom).toISOString(), '2029-12-31T23:59:00.000Z')
  assert.equal(new Date(cert.validTo).toISOString(), '2030-01-31T00:00:00.000Z')
  assert.notEqual(selfSignedCertificate().cert, made.cert, 'a new key and serial each time')
})

describe('new connections per second', () => {
  const sample = (connections?: number): Sample => ({second: 0, phase: 'p', measure: true, sent: 10, completed: 10, bytes: 0, status: {200: 10}, errors: {connect: 0, reset: 0, timeout: 0}, perBackend: {}, histogram: '', ...(connections === undefined ? {} : {connections})})

  test('where the samples count them (keepAlive false), summed over the generators and divided by the duration', () => {
    assert.equal(mergeSamples([sample(10), sample(12)]).connections, 22)
    assert.equal(summarize([{...sample(10), second: 0}, {...sample(12), second: 1}], 2000).throughput.connectionsPerSec, 11)
  })

  test('kept-alive load reports none', () => {
    assert.equal(mergeSamples([sample(), sample()]).connections, undefined)
    assert.ok(!('connectionsPerSec' in summarize([sample()], 1000).throughput))
  })
})
