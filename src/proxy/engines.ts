// Proxy engines by name (`balancer.engine`). Each loads its library only when chosen.
import type {ProxyEngine} from './engine.js'

export const proxyEngines: Record<string, () => Promise<ProxyEngine>> = {
  'http-proxy': async () => new (await import('./engine-http-proxy.js')).HttpProxyEngine(),
  undici: async () => new (await import('./engine-undici.js')).UndiciEngine(),
}
