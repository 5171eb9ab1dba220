// The undici engine keeps one connection pool per backend address. A replica that comes back on another
// port (a cluster worker whose old port was taken, or any replica kind that moves) must not leave its old
// address's pool behind: in a long run with many restarts those would pile up for the proxy's lifetime.
// Counts the pools the engine holds after each move; no timing, no memory figures.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {UndiciEngine} from '../../src/proxy/engine-undici.js'
import {ProxyServer} from '../../src/proxy/server.js'
import {strategyKinds} from '../../src/proxy/strategies/registry.js'
import {backends, balancerSpec, client, send, type TestBackend} from './proxy-fixtures.js'

const cleanups: Array<() => unknown> = []
after(async () => {
  for (const c of cleanups.reverse()) await c()
})

const origin = (b: TestBackend): string => `http://127.0.0.1:${b.port}`

test('undici engine: a backend that moves to a new port 10 times leaves exactly one pool per backend', async () => {
  const bs = await backends(2)
  cleanups.push(() => Promise.all(bs.map((b) => b.close())))
  const engine = new UndiciEngine()
  const server = new ProxyServer(
    {host: '127.0.0.1', port: 0, seed: 1, balancer: balancerSpec({engine: 'undici'}), backends: bs.map((b) => ({id: b.id, host: '127.0.0.1', port: b.port, weight: 1}))},
    engine,
    strategyKinds.get('round-robin')!,
    () => {},
  )
  const port = await server.listen()
  cleanups.push(() => server.close())
  const agent = client(2)
  cleanups.push(() => agent.destroy())

  const through = async (): Promise<string[]> => {
    const served: string[] = []
    for (let i = 0; i < 4; i++) {
      const o = await send(port, agent)
      assert.equal(o.status, 200, JSON.stringify(o))
      served.push(o.servedBy!)
    }
    return served
  }
  await through()
  assert.deepEqual(engine.origins().sort(), [origin(bs[0]), origin(bs[1])].sort())

  const r1 = bs[0]
  for (let move = 1; move <= 10; move++) {
    const old = r1.port
    await r1.close()
    await r1.listen(0)
    while (r1.port === old) {
      await r1.close()
      await r1.listen(0)
    }
    server.setBackend(r1.id, '127.0.0.1', r1.port)
    const served = await through()
    assert.ok(served.includes('r1') && served.includes('r2'), `both backends answer after move ${move}: ${served.join(' ')}`)
    assert.deepEqual(engine.origins().sort(), [origin(r1), origin(bs[1])].sort(), `pools after move ${move}`)
  }

  // Back on the same address (the usual restart): the pool is kept, not replaced.
  server.setBackend(r1.id, '127.0.0.1', r1.port)
  await through()
  assert.deepEqual(engine.origins().sort(), [origin(r1), origin(bs[1])].sort())
})
