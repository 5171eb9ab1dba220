// The lean fronts and client sockets a test file opens, closed when its tests are done, so that a failed
// assertion fails the file instead of leaving a server or a socket keeping it alive.
import {after} from 'node:test'
import type {Socket} from 'node:net'
import type {FrontServer} from '../../src/proxy/engine.js'

/** Lists to put fronts and clients in; registers the `after` hook that closes them. */
export function frontHandles(): {fronts: FrontServer[]; clients: Set<Socket>} {
  const fronts: FrontServer[] = []
  const clients = new Set<Socket>()
  after(() => {
    for (const c of clients) c.destroy()
    for (const f of fronts) {
      f.closeAllConnections()
      f.close()
    }
  })
  return {fronts, clients}
}
