// A response that says `Connection: close` is the last one on its connection (RFC 9112 §9.6): the client
// must not send another request on it. autocannon writes the next request at once, on the same socket.
// When that request reaches the server after it has closed, the server's kernel answers with a reset,
// and a run counted a failure the server never made: through nginx, whose keepalive_requests (1,000 by
// default) closes every client connection after that many requests, about one such close in thirty on
// a loaded machine. Here a client whose last response said close opens a new connection first
// (autocannon's Client#_destroyConnection and Client#_connect, which sends on the new one), as
// fresh-connections.ts does for every request.

import type {AcClient} from './autocannon-client.js'

/** A client's send (`send`: autocannon's Client#_doRequest) that goes out on a new connection after `Connection: close`. */
export function closeAwareSender(send: (this: AcClient) => void): (this: AcClient) => void {
  return function closeAwareRequest(this: AcClient): void {
    if (!this.lbClose) return send.call(this)
    // Client#_connect sends the new connection's first request with this._doRequest: this one.
    const own = this._doRequest
    this._doRequest = send
    this._destroyConnection()
    this._connect()
    this._doRequest = own
  }
}
