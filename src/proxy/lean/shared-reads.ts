// The lean front's client connections read as its backend sockets do (backend-pool.ts): into one shared
// buffer through node:net's `onread`, with no Readable machinery per read (a buffer allocated, pushed,
// emitted as 'data', a read scheduled for later). At 1,000 req/s that machinery is about a seventh of a
// Node forwarder's CPU per request, and the proxy's latency follows its CPU there (docs/proxy-engines.md,
// "Client reads into a shared buffer").
// node:net's server has no option for `onread`: it makes each accepted socket itself. So when the server
// starts listening, its handle's accept callback (`onconnection`) is replaced by one that makes the socket
// with `new Socket({handle, onread})`, as node:net's own callback does without `onread` (in a cluster
// worker the handle is the cluster's stand-in, whose callback is called the same way for each connection
// the primary hands over). Both are node:net internals, there since before `onread` came (Node 12) but
// not documented: where they are missing, the server keeps its own callback and its sockets are read
// through 'data' events, which works the same, only slower. test/integration/lean-shared-reads.test.ts
// fails on a Node that would fall back.
// Unlike node:net's callback, this one does not count the connections in the server (its getConnections()
// and a close() that waits for them): the front keeps its own set and destroys them on close.

import {Buffer} from 'node:buffer' // not the global one: in an ES module that is a getter, run at each use
import {Socket, type Server} from 'node:net'
import {readBufferBytes} from './backend-pool.js'

interface ListenHandle {
  onconnection?: (err: number, clientHandle: unknown) => void
}

const fastServers = new WeakSet<object>()

/**
 * Once `server` listens, its connections are made with `onread` and handed to `adopt`, which returns what
 * receives their bytes (a copy of each read: the shared buffer is reused by the next one); the server's
 * 'connection' event is not emitted for them. Without node:net's internals, nothing changes.
 */
export function readIntoShared(server: Server, adopt: (socket: Socket) => (bytes: Buffer) => void): void {
  server.once('listening', () => {
    const handle = (server as unknown as {_handle?: ListenHandle})._handle
    const accepted = handle?.onconnection
    if (typeof accepted !== 'function') return
    const buffer = Buffer.allocUnsafe(readBufferBytes)
    handle!.onconnection = function (this: ListenHandle, err, clientHandle) {
      if (err) return accepted.call(this, err, clientHandle)
      const onread = {buffer, callback: (n: number) => (received(Buffer.from(buffer.subarray(0, n))), true)}
      const socket = new Socket({handle: clientHandle, readable: true, writable: true, onread} as ConstructorParameters<typeof Socket>[0])
      const received = adopt(socket)
    }
    fastServers.add(server)
  })
}

/** Whether `server`'s connections are read into the shared buffer (tests look). */
export function readsIntoShared(server: object): boolean {
  return fastServers.has(server)
}
