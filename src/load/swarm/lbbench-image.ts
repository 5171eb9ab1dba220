// The lbbench image, `lbbench:<version>`: the compiled package (bin/, dist/, package.json) and its
// production dependencies on the local Node base image, built with no registry, so that load shards can
// run as Swarm tasks (and, pushed somewhere, as Kubernetes pods). The image carries a hash of what it
// holds, so a changed package is rebuilt and an unchanged one is not.

import {createHash} from 'node:crypto'
import {cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, relative} from 'node:path'
import {RunError} from '../../model/errors.js'
import {packageRoot} from '../../process/child-entry.js'
import {ensureBaseImage, baseImage} from '../../replicas/docker/base-image.js'
import {followProgress, type Docker} from '../../replicas/docker/engine.js'

const hashLabel = 'lbbench.package-hash'

const dockerfile = `# lbbench itself, for load shards in Swarm jobs and Kubernetes pods (built by lbbench, no registry).
FROM ${baseImage}
COPY lbbench/ /lbbench/
WORKDIR /lbbench
USER 65534:65534
ENTRYPOINT ["node", "/lbbench/bin/run.js"]
`

export function lbbenchImage(): string {
  const {version} = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {version: string}
  return `lbbench:${version}`
}

/** The folder a package is installed in, looked up from `from` as Node resolves it. */
function packageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

/** The top-level packages (under the package's node_modules) that its production dependencies need. */
export function productionPackages(root = packageRoot): string[] {
  const found = new Set<string>()
  const queue: Array<[string, string]> = []
  const depsOf = (dir: string) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>}
    for (const name of Object.keys({...pkg.dependencies, ...pkg.optionalDependencies})) queue.push([name, dir])
  }
  depsOf(root)
  while (queue.length > 0) {
    const [name, from] = queue.shift()!
    const dir = packageDir(name, from)
    // An optional dependency not installed here: the package runs without it.
    if (!dir || found.has(dir)) continue
    found.add(dir)
    depsOf(dir)
  }
  // Nested installs come with the package they are nested in.
  const top = join(root, 'node_modules')
  return [...found].filter((d) => !relative(top, d).includes('node_modules')).map((d) => relative(top, d)).sort()
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => statSync(join(dir, f)).isFile()).sort()
}

/** A hash of what the image would hold: the compiled package and the versions of its dependencies. */
function packageHash(packages: string[]): string {
  const hash = createHash('sha256')
  for (const f of ['package.json', ...filesUnder(join(packageRoot, 'bin')).map((x) => join('bin', x)), ...filesUnder(join(packageRoot, 'dist')).map((x) => join('dist', x))]) {
    hash.update(`\0${f}\0`).update(readFileSync(join(packageRoot, f)))
  }
  for (const p of packages) hash.update(`\0${p}@${(JSON.parse(readFileSync(join(packageRoot, 'node_modules', p, 'package.json'), 'utf8')) as {version: string}).version}`)
  return hash.digest('hex').slice(0, 12)
}

/** Builds lbbench:<version> (and the base image first) unless an image of the same package exists; returns its id. */
export async function ensureLbbenchImage(docker: Docker, log: (line: string) => void = () => {}): Promise<string> {
  if (!existsSync(join(packageRoot, 'dist', 'load', 'shard-main.js'))) {
    throw new RunError(`the lbbench image is built from the compiled package, and ${join(packageRoot, 'dist')} has none: npm run build`)
  }
  const image = lbbenchImage()
  const packages = productionPackages()
  const hash = packageHash(packages)
  const existing = await docker.getImage(image).inspect().catch(() => undefined)
  if (existing?.Config?.Labels?.[hashLabel] === hash) return existing.Id
  await ensureBaseImage(docker, {log})
  log(`building ${image} (package ${hash})`)
  const dir = mkdtempSync(join(tmpdir(), 'lbbench-image-'))
  try {
    writeFileSync(join(dir, 'Dockerfile'), dockerfile)
    for (const f of ['package.json', 'bin', 'dist']) cpSync(join(packageRoot, f), join(dir, 'lbbench', f), {recursive: true, dereference: true})
    for (const p of packages) cpSync(join(packageRoot, 'node_modules', p), join(dir, 'lbbench', 'node_modules', p), {recursive: true, dereference: true})
    const stream = await docker.buildImage({context: dir, src: ['Dockerfile', 'lbbench']}, {t: image, labels: {[hashLabel]: hash}, rm: true, forcerm: true})
    await followProgress(docker, stream).catch((err: Error) => {
      throw new RunError(`building ${image} failed: ${err.message}`)
    })
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  // The image it replaces stays as an untagged leftover: remove it unless a container uses it.
  if (existing) await docker.getImage(existing.Id).remove().catch(() => {})
  log(`built ${image}`)
  return (await docker.getImage(image).inspect()).Id
}
