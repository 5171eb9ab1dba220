// Proxy engines by name (`balancer.engine`; the scenario schema takes its names from here). Each loads
// its library only when chosen.
import type {BalancerSpec} from '../model/scenario.js'
import type {ProxyEngine} from './engine.js'

export const proxyEngines: Record<BalancerSpec['engine'], () => Promise<ProxyEngine>> = {
  'http-proxy': async () => new (await import('./engine-http-proxy.js')).HttpProxyEngine(),
  undici: async () => new (await import('./engine-undici.js')).UndiciEngine(),
  lean: async () => new (await import('./lean/engine.js')).LeanEngine(),
}

export const engineNames = Object.keys(proxyEngines) as Array<BalancerSpec['engine']>
