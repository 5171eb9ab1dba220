// load.keepAlive false and {requests: N}: which connection each send goes out on, with a stand-in for
// autocannon's client whose Client#_connect makes a new connection and sends on it, as autocannon 9 does.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {AcClient} from '../../src/load/generator/autocannon-client.js'
import {freshConnectionSender} from '../../src/load/generator/fresh-connections.js'

/** A client whose sends note the connection they went out on (1, 2, …); `sends` is that list. */
function client(perConnection: number): {c: AcClient; sends: number[]; send: () => void} {
  const sends: number[] = []
  let opened = 1
  const c = {conn: 1, lbUsedConn: undefined, lbConnRequests: 0, lbClose: false} as unknown as AcClient
  const fresh = freshConnectionSender(function (this: AcClient) {
    sends.push(this.conn as number)
  }, perConnection)
  c._destroyConnection = () => {}
  c._connect = function (this: AcClient) {
    this.conn = ++opened
    this.lbClose = false
    this._doRequest()
  }
  c._doRequest = fresh
  return {c, sends, send: () => c._doRequest()}
}

describe('a new connection after N requests', () => {
  test('{requests: 3}: three sends on each connection, then the next on a new one', () => {
    const {sends, send} = client(3)
    for (let i = 0; i < 7; i++) send()
    assert.deepEqual(sends, [1, 1, 1, 2, 2, 2, 3])
  })

  test('keepAlive false (1): every send on a new connection, the first on the one autocannon opened', () => {
    const {sends, send} = client(1)
    for (let i = 0; i < 4; i++) send()
    assert.deepEqual(sends, [1, 2, 3, 4])
  })

  test('Connection: close ends a connection early, and the next one gets its full N', () => {
    const {c, sends, send} = client(3)
    send()
    c.lbClose = true
    for (let i = 0; i < 4; i++) send()
    assert.deepEqual(sends, [1, 2, 2, 2, 3])
  })

  test('a connection autocannon replaced itself (after an error) starts its count afresh', () => {
    const {c, sends, send} = client(3)
    send()
    send()
    c.conn = 9
    for (let i = 0; i < 4; i++) send()
    assert.deepEqual(sends, [1, 1, 9, 9, 9, 2])
  })
})
