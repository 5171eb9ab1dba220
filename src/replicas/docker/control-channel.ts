// The built-in app's control channel (HTTP on its own port on 127.0.0.1, with the run's token), through
// which the slow, fail, hang and heal faults change a containerised replica's behaviour: docker and
// swarm replicas both send their changes here.
import {request} from 'node:http'
import type {BehaviourChange} from '../replica-set.js'

/** The app's HTTP status (204 = taken), or what went wrong on the way as text. */
export function sendControl(port: number, token: string, change: BehaviourChange): Promise<number | string> {
  const body = JSON.stringify(change)
  return new Promise<number | string>((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/control',
        method: 'POST',
        agent: false,
        timeout: 2000,
        headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-lbbench-token': token},
      },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.once('timeout', () => req.destroy(new Error('no answer within 2 s')))
    req.once('error', (err) => resolve(err.message))
    req.end(body)
  })
}
