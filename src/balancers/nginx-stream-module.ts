// Where nginx's stream module (mode tcp) comes from, as `nginx -V` says: built in (--with-stream), or a
// dynamic module (--with-stream=dynamic) in the modules folder (--modules-path), which Debian ships
// in a package of its own, libnginx-mod-stream. lbbench runs nginx with its own nginx.conf, so it loads
// the module itself rather than through /etc/nginx/modules-enabled.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {RunError} from '../model/errors.js'

export const streamModulePackage = 'libnginx-mod-stream'

/** From `nginx -V`'s text: `built-in`, the module's path, or undefined when nginx was built without it. */
export function streamModuleOf(configureText: string): string | undefined {
  const args = configureText.split(/\s+/)
  if (args.includes('--with-stream')) return 'built-in'
  if (!args.includes('--with-stream=dynamic')) return undefined
  const modules = args.find((a) => a.startsWith('--modules-path='))?.slice('--modules-path='.length)
  const prefix = args.find((a) => a.startsWith('--prefix='))?.slice('--prefix='.length) ?? '/usr/local/nginx'
  return join(modules ?? join(prefix, 'modules'), 'ngx_stream_module.so')
}

/** The load_module path for the config (undefined: built in), or a RunError that says what to install. */
export function streamModuleToLoad(configureText: string): string | undefined {
  const found = streamModuleOf(configureText)
  if (found === 'built-in') return undefined
  if (found && existsSync(found)) return found
  const where = found ? ` (${found} is missing)` : ' (this nginx was built without --with-stream)'
  throw new RunError(`balancer.mode tcp needs nginx's stream module${where}. Install it with: apt-get install ${streamModulePackage}`)
}
