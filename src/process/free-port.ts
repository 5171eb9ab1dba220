// A free TCP port on 127.0.0.1, for programs that cannot listen on port 0 and tell us the port they got
// (nginx, HAProxy, a replica's command, a container), and for a port that must stay the same across
// restarts (the cluster primary's shared port). Ports are drawn below Linux's ephemeral range
// (32768–60999): outgoing connections (the load generator's, a balancer's to its upstreams) take their
// local ports from that range, and one of them could hold the port between the probe and the program's
// bind. The probe can still race with another program: callers that can, retry on "address in use".
// The draw must differ between runs started at once, so it uses crypto rather than the scenario's seed.
import {randomInt} from 'node:crypto'
import {createServer} from 'node:net'

const low = 20000
const high = 32767
const attempts = 50

/** Ports handed out by this process and not given back, so that two replicas never get the same one. */
const handedOut = new Set<number>()

/** Whether nothing listens on 127.0.0.1:port now (bound and closed again at once). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({port, host: '127.0.0.1', exclusive: true}, () => server.close(() => resolve(true)))
  })
}

function kernelChoice(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({port: 0, host: '127.0.0.1', exclusive: true}, () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}

/** A port on 127.0.0.1 that nothing listens on now (bound, read and closed again), kept until releasePort(). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const port = randomInt(low, high + 1)
    if (handedOut.has(port)) continue
    if (await canBind(port)) {
      handedOut.add(port)
      return port
    }
  }
  // Everything tried was busy: let the kernel choose (an ephemeral port, still free right now).
  const port = await kernelChoice()
  handedOut.add(port)
  return port
}

/** Gives a port back once what listened on it has stopped. */
export function releasePort(port: number): void {
  handedOut.delete(port)
}
