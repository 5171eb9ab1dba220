// A free TCP port on 127.0.0.1 for programs that cannot listen on port 0 and tell us the port (nginx,
// HAProxy). Ports are drawn below 32768, outside Linux's ephemeral range (32768–60999), so that no
// outgoing connection (the balancer's own to its upstreams) can take the port between the probe and the
// program's bind. The probe can still race with another program: callers retry on "address in use".
import {createServer} from 'node:net'
import {deriveSeed, seededRandom} from '../model/random.js'

const low = 20000
const high = 32767

// Not a measured choice: seeded from the pid and clock so that parallel runs draw different ports.
const draw = seededRandom(deriveSeed(Date.now() >>> 0, `free-port-${process.pid}`))

function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({port, host: '127.0.0.1', exclusive: true}, () => server.close(() => resolve(true)))
  })
}

export async function findFreePort(attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const port = low + Math.floor(draw() * (high - low + 1))
    if (await probe(port)) return port
  }
  throw new Error(`no free port found on 127.0.0.1 between ${low} and ${high} after ${attempts} tries`)
}
