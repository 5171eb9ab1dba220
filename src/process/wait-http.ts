// Waits until something answers HTTP at a URL (any status: a balancer answering 502 is up too). The probe
// carries `x-lbbench-probe: ready`, so that a balancer can leave it out of its counts.
import {request} from 'node:http'

function once(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, {agent: false, timeout: 1000, headers: {'x-lbbench-probe': 'ready'}}, (res) => {
      res.resume()
      res.on('end', () => resolve(true))
      res.on('error', () => resolve(true))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

/** True once `url` answers; false when `timeoutMs` passed or `gaveUp()` says to stop. */
export async function waitForHttp(url: string, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until && !gaveUp()) {
    if (await once(url)) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}
