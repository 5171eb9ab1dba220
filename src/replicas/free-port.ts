import {createServer} from 'node:net'
import {randomInt} from 'node:crypto'

// Replicas get a port chosen here and handed to them (PORT), because a command or a container cannot
// report back which port it bound. Ports are taken below Linux's ephemeral range (32768–60999): the load
// generator's outgoing sockets use that range, and a replica told to listen on a port one of them holds
// fails with EADDRINUSE. The choice is not a scenario choice (it must differ between runs started at
// once), so it uses crypto rather than the scenario's seeded generator.
const low = 20000
const high = 32767

/** Ports handed out by this process, so two replicas of one run never get the same one. */
const handedOut = new Set<number>()

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({port, host: '127.0.0.1', exclusive: true}, () => server.close(() => resolve(true)))
  })
}

function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({port: 0, host: '127.0.0.1', exclusive: true}, () => {
      const port = (server.address() as {port: number}).port
      server.close(() => resolve(port))
    })
  })
}

/** A port on 127.0.0.1 that nothing listens on now: bound, read and closed again. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = randomInt(low, high + 1)
    if (handedOut.has(port)) continue
    if (await canBind(port)) {
      handedOut.add(port)
      return port
    }
  }
  // Everything tried was busy: let the kernel choose (an ephemeral port, still free right now).
  const port = await ephemeralPort()
  handedOut.add(port)
  return port
}

/** Gives a port back once its replica set has stopped. */
export function releasePort(port: number): void {
  handedOut.delete(port)
}
