// load.keepAlive false, or {requests: N}: a new connection (and TLS handshake) for every request, or after
// every N. autocannon keeps its connections open, and its own reconnectRate reconnects before it reports
// the response it reconnects after (that response would be lost to the counts), so each client's send is
// wrapped instead: a request due on a connection that has carried its N requests (or whose last response
// said `Connection: close`, as connection-close.ts honours) first closes that connection (autocannon's
// Client#_destroyConnection) and opens the next (Client#_connect, which sends its first request), and
// goes out on the new one. The latency of such a request includes the connect and the handshake.

import type {AcClient} from './autocannon-client.js'

/**
 * The replacement of a client's send (`send`: autocannon's Client#_doRequest, or the paced sender's inner
 * one) that gives each connection at most `perConnection` requests.
 */
export function freshConnectionSender(send: () => void, perConnection: number): (this: AcClient) => void {
  function sendOnThisConnection(this: AcClient): void {
    if (this.lbUsedConn !== this.conn) {
      this.lbUsedConn = this.conn
      this.lbConnRequests = 0
    }
    this.lbConnRequests++
    send.call(this)
  }

  return function freshRequest(this: AcClient): void {
    const spent = this.lbUsedConn === this.conn && this.lbConnRequests >= perConnection
    if (!spent && !this.lbClose) return sendOnThisConnection.call(this)
    // Client#_connect sends the first request(s) of the new connection with this._doRequest: send that
    // one now (a paced client's own sender would wait for the next slot).
    const own = this._doRequest
    this._doRequest = sendOnThisConnection
    this._destroyConnection()
    this._connect()
    this._doRequest = own
  }
}
