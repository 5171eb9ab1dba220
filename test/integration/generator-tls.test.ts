// The load generator over HTTPS, against a node:https server started here with the self-signed
// certificate lbbench makes: kept-alive connections (one per client) and load.keepAlive false (one
// connection, and one TLS handshake, per request), counted by the server itself, closed loop and paced.

import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {selfSignedCertificate} from '../../src/balancers/self-signed.js'
import {startGenerator} from '../../src/load/generator-client.js'
import type {GeneratorConfig, Sample} from '../../src/model/generator-messages.js'
import {probeTls, UntrustedCertificateError} from '../../src/process/tls-probe.js'

interface TlsServer {
  url: string
  /** TLS handshakes completed (one per connection). */
  handshakes: number
  requests: number
  close(): Promise<void>
}

const certificate = selfSignedCertificate()

async function startServer(): Promise<TlsServer> {
  const s: TlsServer = {url: '', handshakes: 0, requests: 0, close: async () => {}}
  const server = https.createServer({cert: certificate.cert, key: certificate.key}, (_req, res) => {
    s.requests++
    res.setHeader('x-lbbench-backend', 'r1')
    res.end('Hello World!')
  })
  server.on('secureConnection', () => s.handshakes++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  s.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  s.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return s
}

const servers: TlsServer[] = []
after(() => Promise.all(servers.map((s) => s.close())))

async function load(config: Omit<GeneratorConfig, 'targets' | 'requests' | 'timeout' | 'seed'>): Promise<{server: TlsServer; samples: Sample[]}> {
  const server = await startServer()
  servers.push(server)
  const samples: Sample[] = []
  let error: Error | undefined
  const handle = startGenerator({targets: [server.url], requests: [{method: 'GET', path: '/', headers: {}, weight: 1}], timeout: 2000, seed: 3, ...config}, {
    onSample: (s) => samples.push(s),
    onError: (e) => (error = e),
  })
  await handle.exited
  assert.equal(error, undefined)
  return {server, samples}
}

const sum = (samples: Sample[], f: (s: Sample) => number): number => samples.reduce((n, s) => n + f(s), 0)

describe('the load generator over HTTPS', () => {
  test('kept alive: one connection (one handshake) per client, however many requests; samples count no connections', async () => {
    const {server, samples} = await load({phases: [{name: 'steady', duration: 1000, measure: true, connections: 3}]})
    const completed = sum(samples, (s) => s.completed)
    assert.ok(completed > 50, `requests went through: ${completed}`)
    assert.equal(server.handshakes, 3)
    assert.ok(samples.every((s) => s.connections === undefined))
    // A TLS socket is counted open from its TCP connect, as a plain one.
    assert.deepEqual(samples.map((s) => s.openConnections), samples.map(() => 3))
    assert.equal(sum(samples, (s) => s.errors.connect + s.errors.reset + s.errors.timeout + (s.lost ?? 0)), 0)
  })

  test('keepAlive false: a new connection and handshake for every request, as the server counts them, and as the samples say', async () => {
    const {server, samples} = await load({keepAlive: false, phases: [{name: 'steady', duration: 1000, measure: true, connections: 3}]})
    const completed = sum(samples, (s) => s.completed)
    assert.ok(completed > 20, `requests went through: ${completed}`)
    // Each client's last connection may have been opened and cut off before its request reached the server.
    assert.ok(server.handshakes >= server.requests && server.handshakes <= server.requests + 3, `${server.handshakes} handshakes for ${server.requests} requests`)
    assert.ok(Math.abs(sum(samples, (s) => s.connections ?? 0) - server.handshakes) <= 3, 'the samples count what the server saw')
    assert.equal(sum(samples, (s) => s.errors.connect + s.errors.reset + s.errors.timeout + (s.lost ?? 0)), 0, 'closing after each response costs no request')
  })

  test('keepAlive false in a paced phase: still one connection per request, on schedule', async () => {
    const {server, samples} = await load({keepAlive: false, phases: [{name: 'paced', duration: 1000, measure: true, connections: 2, rate: 40}]})
    // Sent on the schedule (40 in the second); each of the 2 connections may have one cut off at the end.
    const sent = sum(samples, (s) => s.sent)
    const completed = sum(samples, (s) => s.completed)
    assert.ok(sent >= 38 && sent <= 42, `about 40 requests sent at 40/s: ${sent}`)
    assert.ok(completed >= sent - 2 && completed <= sent, `${completed} of ${sent} completed`)
    assert.ok(server.handshakes >= server.requests && server.handshakes <= server.requests + 2, `${server.handshakes} handshakes for ${server.requests} requests`)
  })
})

test('the TLS probe: protocol and cipher, and the certificate lbbench made is checked when given', async () => {
  const server = await startServer()
  servers.push(server)
  const handshake = await probeTls(server.url, {ca: certificate.cert})
  assert.equal(handshake.protocol, 'TLSv1.3')
  assert.match(handshake.cipher, /^TLS_/)
  await assert.rejects(probeTls(server.url, {ca: selfSignedCertificate().cert}), /TLS handshake with https:\/\/127\.0\.0\.1:\d+ failed: self.signed certificate/)
  // An external balancer's certificate is checked against the system's CAs: a self-signed one is not trusted, and says so.
  await assert.rejects(probeTls(server.url, {trust: 'system'}), (e: unknown) => e instanceof UntrustedCertificateError && e.reason === 'self-signed certificate')
  assert.equal((await probeTls(server.url)).protocol, 'TLSv1.3', 'unchecked, it is accepted')
})
