// A reports folder may have spaces in its path: the nginx and HAProxy configs quote paths that need it
// (unquoted, nginx and HAProxy read the rest of the path as another argument and refuse the config), and
// leave plain paths as they are.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {nginxConfig} from '../../src/balancers/nginx-config.js'
import {haproxyConfig} from '../../src/balancers/haproxy-config.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'

const backends = [1, 2].map((i) => ({id: `r${i}`, host: '127.0.0.1', port: 40000 + i}))

test('nginx: paths with a space or a quote are quoted, plain ones are not', () => {
  const conf = (dir: string) => nginxConfig({scenario: balancerScenario({}, 2), backends, port: 20080, dir, version: '1.22.1', asRoot: false})
  assert.match(conf('/tmp/my reports/x/nginx'), /^pid "\/tmp\/my reports\/x\/nginx\/nginx\.pid";$/m)
  // The access log's path takes variables: it is relative to the prefix (-p), so no `$` of a folder reaches it.
  assert.match(conf('/tmp/a$b/x/nginx'), /^ {2}access_log access\.log lbbench/m)
  assert.match(conf('/tmp/a"b/nginx'), /^error_log "\/tmp\/a\\"b\/nginx\/error\.log" notice;$/m)
  assert.match(conf('/tmp/plain/nginx'), /^pid \/tmp\/plain\/nginx\/nginx\.pid;$/m)
})

test('HAProxy: the stats socket path is quoted when it has a space, plain otherwise', () => {
  const conf = (dir: string) => haproxyConfig({scenario: balancerScenario({}, 2), backends, port: 20080, dir, version: '2.6.12'})
  assert.match(conf('/tmp/my reports/x/haproxy'), /^ {2}stats socket "\/tmp\/my reports\/x\/haproxy\/stats\.sock" mode 600/m)
  assert.match(conf('/tmp/plain/haproxy'), /^ {2}stats socket \/tmp\/plain\/haproxy\/stats\.sock mode 600/m)
})
