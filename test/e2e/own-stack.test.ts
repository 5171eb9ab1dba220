// Your own stack through the compiled CLI (`npm run build` first), with real nginx and HAProxy: your own
// nginx.conf and haproxy.cfg as templates (rendered byte for byte with lbbench's marked additions,
// per-backend attempts and marked-down events as for generated configs, --print-config), a template the
// checker rejects (exit 2 at the template's own line), and HTTPS through the built-in proxy, nginx and
// HAProxy with keep-alive on and off in `lbbench compare`. Scenarios and templates are written to a
// temporary folder.
import {after, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {cli, leftAfter, reportPath, root} from '../helpers/cli.js'
import {skipWithout} from '../helpers/programs.js'

const dir = mkdtempSync(join(tmpdir(), 'lbbench-own-stack-'))
after(() => rmSync(dir, {recursive: true, force: true}))
const out = join(dir, 'out')

// The parts of report.json these tests read.
interface Report {
  scenario: {balancer: {strategy: string; config?: {file: string; balancing?: string}}}
  summary: {requests: {completed: number; failed: number}; throughput: {rps: number; connectionsPerSec?: number}}
  backends: Array<{id: string; requests: number; attempts?: number; events: Array<{state: string}>}>
  meta: {target?: string; tls?: {protocol: string; cipher: string}}
}

const nginxTemplate = `# Our production nginx.conf.
worker_processes 1;
events {
    worker_connections 1024;
}
http {
    upstream app {
        least_conn;
        {{servers}}
        keepalive 16;
    }
    server {
        listen {{listen}};
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502;
            proxy_next_upstream_tries 2;
            add_header X-Stack own always;
        }
    }
}
`

const haproxyTemplate = `global
    maxconn 1024
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 5s
    retries 1
    option redispatch 1
frontend www
    bind {{listen}}
    default_backend app
backend app
    balance leastconn
    option httpchk GET /
    {{servers}}
`

function scenario(name: string, balancer: string, extra = ''): string {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(
    file,
    `name: ${name}
replicas: {count: 3, ready: {timeout: 30s}, app: {latency: 1ms}}
balancer:
${balancer.replace(/^/gm, '  ')}
load:
  connections: 6
${extra.replace(/^/gm, '  ')}
  phases:
    - {name: warmup, duration: 300ms, measure: false}
    - {name: steady, duration: 2500ms}
`,
  )
  return file
}

async function runOk(args: string[]): Promise<{report: Report; runDir: string; stdout: string; stderr: string}> {
  const run = cli(args)
  const {code, stdout, stderr} = await run.done
  assert.equal(code, 0, stderr)
  assert.deepEqual(await leftAfter(run.mark, 3000), [], 'every process of the run has gone')
  const file = reportPath(stderr)
  return {report: JSON.parse(readFileSync(file, 'utf8')) as Report, runDir: dirname(file), stdout, stderr}
}

/** Every line of the template is in the rendered file, in order, each as it was (placeholder lines aside). */
function assertKept(template: string, rendered: string): void {
  const lines = rendered.split('\n')
  let at = 0
  for (const line of template.split('\n').filter((l) => !l.includes('{{'))) {
    const found = lines.indexOf(line, at)
    assert.ok(found >= 0, `the template's line ${JSON.stringify(line)} is in the rendered file, in order`)
    at = found + 1
  }
}

describe('your own configuration as a template', () => {
  test('nginx: least_conn from the file, rendered byte for byte with lbbench\'s marked logs; attempts and a marked-down replica as for a generated config', {skip: skipWithout('nginx')}, async () => {
    writeFileSync(join(dir, 'nginx.conf.tmpl'), nginxTemplate)
    const file = scenario('own-nginx', 'kind: nginx\nconfig: ./nginx.conf.tmpl\nhealth: {passive: {maxFails: 1, failTimeout: 5s}}')
    const faults = `faults:\n  - {at: 1s, action: kill, target: r2}\n`
    writeFileSync(file, readFileSync(file, 'utf8') + faults)
    const {report, runDir, stdout, stderr} = await runOk(['run', file, '--print-config', '--out', out])
    assert.deepEqual(report.scenario.balancer.config, {file: './nginx.conf.tmpl', balancing: 'least_conn'})
    assert.equal(report.scenario.balancer.strategy, 'least-connections')
    assert.match(stdout, /nginx \(strategy: from config \(least_conn\), config nginx\.conf\.tmpl\)/)
    const rendered = readFileSync(join(runDir, 'nginx.conf'), 'utf8')
    assertKept(nginxTemplate, rendered)
    assert.match(rendered, /# lbbench: added to measure[^\n]*\n\s+log_format lbbench /)
    assert.match(rendered, /server 127\.0\.0\.1:\d+ weight=1 max_fails=1 fail_timeout=5s;/)
    assert.ok(stderr.includes(rendered.trim()), '--print-config prints the rendered file')
    assert.equal(report.summary.requests.failed, 0, 'proxy_next_upstream hid the killed replica')
    for (const b of report.backends) assert.ok((b.attempts ?? 0) > 0, `${b.id}: attempts from the access log lbbench added`)
    const r2 = report.backends.find((b) => b.id === 'r2')!
    assert.ok(r2.events.some((e) => e.state === 'marked down'), `r2 marked down, from the error log lbbench added: ${JSON.stringify(r2.events)}`)
  })

  test('HAProxy: leastconn from the file, the stats socket added to global; attempts per server', {skip: skipWithout('haproxy')}, async () => {
    writeFileSync(join(dir, 'haproxy.cfg.tmpl'), haproxyTemplate)
    const file = scenario('own-haproxy', 'kind: haproxy\nconfig: ./haproxy.cfg.tmpl\nretries: 1')
    const {report, runDir, stdout} = await runOk(['run', file, '--out', out])
    assert.equal(report.scenario.balancer.config?.balancing, 'balance leastconn')
    assert.match(stdout, /haproxy \(strategy: from config \(balance leastconn\), config haproxy\.cfg\.tmpl\)/)
    const rendered = readFileSync(join(runDir, 'haproxy.cfg'), 'utf8')
    assertKept(haproxyTemplate, rendered)
    assert.match(rendered, /^global\n\s+# lbbench: added[^\n]*\n\s+stats socket \S+ mode 600 level admin\n/m)
    assert.match(rendered, /^ {4}server r1 127\.0\.0\.1:\d+ weight 1$/m)
    assert.equal(report.summary.requests.failed, 0)
    for (const b of report.backends) assert.ok((b.attempts ?? 0) > 0 && Math.abs((b.attempts ?? 0) - b.requests) <= b.requests * 0.1 + 10, `${b.id}: ${b.attempts} attempts from the stats socket, ${b.requests} requests`)
  })

  for (const [kind, template, ext, protocol] of [
    ['nginx', nginxTemplate, 'conf', /^TLSv1\.[23]$/],
    ['haproxy', haproxyTemplate, 'cfg', /^TLSv1\.3$/],
  ] as const) {
    test(`${kind}: your own configuration with tls: true: {{listen}} carries ssl, the run's certificate is served`, {skip: skipWithout(kind)}, async () => {
      writeFileSync(join(dir, `tls.${ext}.tmpl`), template)
      const file = scenario(`own-${kind}-tls`, `kind: ${kind}\nconfig: ./tls.${ext}.tmpl\ntls: true`, 'keepAlive: false')
      const {report, runDir} = await runOk(['run', file, '--out', out])
      const rendered = readFileSync(join(runDir, `${kind}.${ext}`), 'utf8')
      assertKept(template, rendered)
      assert.match(rendered, kind === 'nginx' ? /listen 127\.0\.0\.1:\d+ ssl;/ : /bind 127\.0\.0\.1:\d+ ssl crt \S+/)
      // nginx 1.22 leaves TLS 1.3 out unless the file says ssl_protocols, and this file does not.
      assert.match(report.meta.tls?.protocol ?? '', protocol, JSON.stringify(report.meta.tls))
      assert.match(report.meta.target ?? '', /^https:\/\/127\.0\.0\.1:\d+$/)
      assert.ok(report.summary.requests.completed > 30)
      assert.equal(report.summary.requests.failed, 0)
      assert.ok(report.summary.throughput.connectionsPerSec !== undefined, 'a handshake per request')
    })
  }

  for (const [kind, template, broken, said] of [
    ['nginx', nginxTemplate, ['            add_header X-Stack own always;', '            add_headr X-Stack own always;'], /broken\.conf\.tmpl:20:1 nginx -t rejected it: \[emerg\] unknown directive "add_headr"/],
    ['haproxy', haproxyTemplate, ['    balance leastconn', '    balance leastconn\n    no-such-keyword on'], /broken\.cfg\.tmpl:15:1 haproxy -c rejected it: unknown keyword 'no-such-keyword' in 'backend' section/],
  ] as const) {
    test(`${kind}: a template the checker rejects is exit 2 at the template's own line, and nothing is left running`, {skip: skipWithout(kind)}, async () => {
      const name = `broken.${kind === 'nginx' ? 'conf' : 'cfg'}.tmpl`
      writeFileSync(join(dir, name), template.replace(broken[0], broken[1]))
      const run = cli(['run', scenario(`broken-${kind}`, `kind: ${kind}\nconfig: ./${name}`), '--out', out])
      const {code, stderr} = await run.done
      assert.equal(code, 2, stderr)
      assert.match(stderr, said)
      assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace')
      assert.deepEqual(await leftAfter(run.mark, 3000), [])
    })
  }
})

describe('HTTPS through each balancer, keep-alive on and off', {skip: skipWithout('nginx') || skipWithout('haproxy')}, () => {
  for (const keepAlive of [true, false]) {
    test(`compare scenarios/tls.yaml --balancers builtin,nginx,haproxy, keepAlive ${keepAlive}: TLS negotiated, the load went to https://`, async () => {
      // The shipped scenario (keepAlive false), and the same with keepAlive true, at half its length.
      const shipped = readFileSync(join(root, 'scenarios', 'tls.yaml'), 'utf8')
      assert.match(shipped, /^ {2}keepAlive: false$/m)
      const file = join(dir, `tls-${keepAlive}.yaml`)
      writeFileSync(file, shipped.replace(/^ {2}keepAlive: false$/m, `  keepAlive: ${keepAlive}`).replace('$schema=../schema/', `$schema=${root}/schema/`))
      const run = cli(['compare', file, '--balancers', 'builtin,nginx,haproxy', '--time-scale', '0.5', '--out', out])
      const {code, stdout, stderr} = await run.done
      assert.equal(code, 0, stderr)
      assert.match(stdout, /builtin\s+nginx\s+haproxy/)
      const m = /comparison: (\S+comparison\.json)/.exec(stderr)
      assert.ok(m, stderr)
      const c = JSON.parse(readFileSync(join(root, m[1]), 'utf8')) as {subjects: Array<{balancer: string; reports: Report[]}>}
      for (const s of c.subjects) {
        const r = s.reports[0]
        assert.match(r.meta.tls?.protocol ?? '', /^TLSv1\.3$/, `${s.balancer}: ${JSON.stringify(r.meta.tls)}`)
        assert.match(r.meta.tls?.cipher ?? '', /^TLS_/)
        assert.match(r.meta.target ?? '', /^https:\/\/127\.0\.0\.1:\d+$/)
        assert.ok(r.summary.requests.completed > 30, `${s.balancer}: load went through`)
        assert.equal(r.summary.requests.failed, 0, s.balancer)
        const {connectionsPerSec, rps: perSec} = r.summary.throughput
        if (keepAlive) assert.equal(connectionsPerSec, undefined, `${s.balancer}: kept alive`)
        else assert.ok(connectionsPerSec !== undefined && Math.abs(connectionsPerSec - perSec) <= perSec * 0.1 + 2, `${s.balancer}: one connection per request: ${connectionsPerSec}/s for ${perSec} req/s`)
      }
      if (!keepAlive) assert.match(stdout, /^ {3}new connections\/s +[\d,.]+(?: ★)? +[\d,.]+ +(?:[+-][\d.]+|0\.0)%(?: ★)? +[\d,.]+ +(?:[+-][\d.]+|0\.0)%/m, 'what a handshake per request costs each, side by side')
      assert.deepEqual(await leftAfter(run.mark, 3000), [])
    })
  }
})
