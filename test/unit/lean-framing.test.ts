// The lean engine's framing readers on their own: a chunked body found whole however it is split into
// reads, and a response head read for exactly what forwarding needs (its framing, whether the backend
// connection can be kept, the head the client gets).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {ChunkedFramer} from '../../src/proxy/lean/chunked.js'
import {fieldName, headEnd, HeadError, keptRuns, knownName, readFields, writeHead} from '../../src/proxy/lean/fields.js'
import {parseResponseHead} from '../../src/proxy/lean/response-head.js'
import {headersOf, parseRequestHead, requestTarget, type RequestHead} from '../../src/proxy/lean/request-head.js'

const body = '5;ext=1\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\n\r\n'

test('a chunked body ends at its last CRLF, whatever the reads it arrives in', () => {
  const bytes = Buffer.from(`${body}NEXT`, 'latin1')
  for (let split = 1; split < body.length; split++) {
    const f = new ChunkedFramer()
    assert.equal(f.feed(bytes.subarray(0, split), 0, split), -1, `split at ${split}`)
    const rest = bytes.subarray(split)
    assert.equal(f.feed(rest, 0, rest.length), body.length - split, `split at ${split}`)
    assert.ok(f.done)
  }
})

test('a malformed chunked body throws', () => {
  for (const bad of ['zz\r\n', '5\nhello', '2\r\nhello\r\n', '5\r\nhello\n', '1234567890abc\r\n', ';x\r\n', '0\r\nX\x00\r\n\r\n']) {
    assert.throws(() => new ChunkedFramer().feed(Buffer.from(bad, 'latin1'), 0, bad.length), Error, JSON.stringify(bad))
  }
})

const stamp = 'x-lbbench-backend: r1\r\n'

/** A response head parsed, and the head the client gets for it (without the empty line that ends it). */
function response(head: string, method = 'GET') {
  const buf = Buffer.from(head, 'latin1')
  const h = parseResponseHead(buf, headEnd(buf, 0, 65536), method === 'HEAD')
  return {...h, head: writeHead(buf, h.kept, stamp, 0).toString('latin1')}
}

/** The head a backend gets for a request (without the framing the proxy adds, and the empty line). */
function forwarded(h: RequestHead): string {
  return writeHead(h.bytes, h.kept, '', 0).toString('latin1')
}

test('a response head is read for its framing and rewritten for the client', () => {
  const r = response('HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: 1\r\nX-Lbbench-Backend: fake\r\nX-Kept: 2\r\n\r\n')
  assert.deepEqual({status: r.status, framing: r.framing, length: r.length, reusable: r.reusable}, {status: 200, framing: 'length', length: 12, reusable: true})
  assert.equal(r.head, 'HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-Kept: 2\r\nx-lbbench-backend: r1\r\n')
  const chunked = response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n')
  assert.deepEqual([chunked.framing, chunked.reusable], ['chunked', false])
  assert.match(chunked.head, /\r\nTransfer-Encoding: chunked\r\n/)
  assert.deepEqual([response('HTTP/1.1 200 OK\r\n\r\n').framing, response('HTTP/1.1 200 OK\r\n\r\n').reusable], ['close', false])
  assert.equal(response('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n').reusable, false)
  for (const status of [204, 304, 103]) assert.equal(response(`HTTP/1.1 ${status} X\r\nContent-Length: 5\r\n\r\n`).framing, 'none', String(status))
  assert.equal(response('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'HEAD').framing, 'none')
})

test('a response head the proxy cannot frame safely is refused', () => {
  for (const bad of [
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n',
    'HTTP/1.1 2000 OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\n Folded: x\r\n\r\n',
    'HTTP/1.1 1:0 OK\r\n\r\n',
    'HTTP/1.1 099 OK\r\n\r\n',
    'HTTP/1.x 200 OK\r\n\r\n',
    'HTTP/1.1  200 OK\r\n\r\n',
    'HTTP/1.1 200 O\x01K\r\n\r\n',
    'HTTP/1.1 200 OK\nX-Injected: 1\r\n\r\n',
    'HTTP/1.1 200OK\r\n\r\n',
  ]) assert.throws(() => response(bad), HeadError, JSON.stringify(bad))
})

test('a status line may have an empty reason, with or without its space, and obs-text in it', () => {
  for (const line of ['HTTP/1.1 200', 'HTTP/1.1 200 ', 'HTTP/1.1 200 Fine\tthanks \xe9']) {
    const r = response(`${line}\r\nContent-Length: 0\r\n\r\n`)
    assert.deepEqual([r.status, r.framing, r.head], [200, 'length', `${line}\r\nContent-Length: 0\r\n${stamp}`], JSON.stringify(line))
  }
})

test('a request head forwards its fields less hop-by-hop ones and framing, which the proxy writes itself', () => {
  const text = 'POST /p?q=1 HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nTE: trailers\r\nContent-Length: 3\r\nExpect: 100-continue\r\nX-Kept: 2\r\n\r\n'
  const buf = Buffer.from(text, 'latin1')
  const h = parseRequestHead(buf, 0, headEnd(buf, 0, 16384))
  assert.deepEqual({method: h.method, target: requestTarget(h), minor: h.minor, length: h.length, close: h.close, expectContinue: h.expectContinue}, {method: 'POST', target: '/p?q=1', minor: 1, length: 3, close: false, expectContinue: true})
  assert.equal(forwarded(h), 'POST /p?q=1 HTTP/1.1\r\nHost: a\r\nX-Kept: 2\r\n')
  assert.equal(headersOf(h)['x-kept'], '2')
  const odd = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nConstructor: x\r\nToString: y\r\nX-A: 1\r\nx-a: 2\r\n\r\n', 'latin1')
  const o = parseRequestHead(odd, 0, odd.length)
  assert.deepEqual({...headersOf(o)}, {host: 'a', constructor: 'x', tostring: 'y', 'x-a': '1, 2'}, 'fields named like Object members are fields like any other')
})

test('the kept field lines are the received lines less the dropped ones, in order, whichever are dropped', () => {
  const bytes = Buffer.from('A: 1\r\nB: 2\r\nC: 3\r\n\r\n', 'latin1')
  const fields = readFields(bytes, 0, bytes.length - 2)
  const kept = (drop: string) => writeHead(bytes, keptRuns(fields, 0, bytes.length - 2, (k) => drop.includes(fieldName(bytes, fields, k))), '', 0).toString('latin1')
  assert.equal(kept(''), 'A: 1\r\nB: 2\r\nC: 3\r\n')
  assert.equal(kept('A'), 'B: 2\r\nC: 3\r\n')
  assert.equal(kept('B'), 'A: 1\r\nC: 3\r\n')
  assert.equal(kept('C'), 'A: 1\r\nB: 2\r\n')
  assert.equal(kept('AC'), 'B: 2\r\n')
  assert.equal(kept('ABC'), '')
})

test('a known field name is recognised in any case and no other name is, however close', () => {
  const names = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'content-length', 'host', 'expect', 'x-lbbench-backend']
  const known = (name: string) => {
    const bytes = Buffer.from(`${name}: 1\r\n\r\n`, 'latin1')
    return knownName(bytes, readFields(bytes, 0, bytes.length - 2), 0)
  }
  for (const name of names) {
    assert.equal(known(name), name)
    assert.equal(known(name.toUpperCase()), name)
    assert.equal(known([...name].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('')), name)
    // The same length, one byte changed (a letter to a neighbour, `-` to `_`), and one byte more or less.
    for (let i = 0; i < name.length; i++) {
      const c = name[i] === '-' ? '_' : String.fromCharCode(name.charCodeAt(i) === 0x7a ? 0x79 : name.charCodeAt(i) + 1)
      assert.equal(known(name.slice(0, i) + c + name.slice(i + 1)), undefined, `${name} with ${c} at ${i}`)
    }
    assert.equal(known(`${name}s`), undefined)
    if (name.length > 1) assert.equal(known(name.slice(1)), undefined)
  }
  for (const other of ['x-kept', 'content-type', 'date', 'Content-Lengths', '~onnection']) assert.equal(known(other), undefined, other)
})

test('a Content-Length value is digits only, at most 15 of them', () => {
  const length = (value: string) => {
    const buf = Buffer.from(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${value}\r\n\r\n`, 'latin1')
    return parseRequestHead(buf, 0, buf.length).length
  }
  assert.equal(length('0'), 0)
  assert.equal(length('0012'), 12)
  assert.equal(length('999999999999999'), 999999999999999)
  for (const bad of ['', '1a', '+1', '-1', '1 2', '1,1', '0x10', '1234567890123456']) assert.throws(() => length(bad), HeadError, JSON.stringify(bad))
})

test('a head read from the middle of a buffer reads the same as one at its start', () => {
  const req = 'POST /p HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 3\r\nX-Kept: 2\r\n\r\n'
  const res = 'HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: keep-alive\r\nX-Kept: 2\r\n\r\n'
  for (const prefix of ['', 'x', 'abc\r\n\r\n', 'X-Kept: 2\r\nConnection: close\r\n']) {
    const r = Buffer.from(prefix + req + 'NEXT', 'latin1')
    const h = parseRequestHead(r, prefix.length, prefix.length + req.length)
    assert.deepEqual([h.length, h.close, forwarded(h), headersOf(h)], [3, true, 'POST /p HTTP/1.1\r\nHost: a\r\nX-Kept: 2\r\n', {host: 'a', connection: 'close', 'content-length': '3', 'x-kept': '2'}], JSON.stringify(prefix))
    // A response head is read at the start of its buffer (an attempt drops what came before), with the body after it.
    const s = Buffer.from(prefix + res + 'body', 'latin1').subarray(prefix.length)
    const p = parseResponseHead(s, res.length, false)
    assert.deepEqual([p.length, p.reusable, writeHead(s, p.kept, stamp, 0).toString('latin1')], [12, true, `HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-Kept: 2\r\n${stamp}`], JSON.stringify(prefix))
  }
})
