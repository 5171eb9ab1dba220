// The built-in app's image, `lbbench-hello`: apps/hello/Dockerfile on the base image, with a build
// context staged here from the app's entry (replicas/app/standalone) and every module it imports. From
// the compiled package those are dist's .js files; from the sources (tests, dev) the .ts files are
// transpiled one by one with TypeScript. The image carries a hash of what was staged, so a changed app
// is rebuilt and an unchanged one is not.
import {createHash} from 'node:crypto'
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, extname, join, posix} from 'node:path'
import {childEntry, packageRoot} from '../../process/child-entry.js'
import {RunError} from '../../model/errors.js'
import {appImage} from './app-image-name.js'
import {ensureBaseImage} from './base-image.js'
import {followProgress, type Docker} from './engine.js'

const entry = 'replicas/app/standalone'
const hashLabel = 'lbbench.app-hash'

/** The app's modules, relative to src/ without extension, with their JavaScript text. */
export async function appModules(): Promise<Map<string, string>> {
  const probe = childEntry(entry).file
  const ext = extname(probe)
  const srcRoot = probe.slice(0, -(entry.length + ext.length))
  let ts: typeof import('typescript') | undefined
  const modules = new Map<string, string>()
  const queue = [entry]
  while (queue.length > 0) {
    const rel = queue.shift()!
    if (modules.has(rel)) continue
    const text = readFileSync(join(srcRoot, `${rel}${ext}`), 'utf8')
    let js = text
    if (ext === '.ts') {
      ts ??= (await import('typescript')).default
      js = ts.transpileModule(text, {
        compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
        fileName: `${rel}.ts`,
      }).outputText
    }
    modules.set(rel, js)
    // Type-only imports are gone after transpiling; what is left is what runs.
    for (const m of js.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1]
      if (spec.startsWith('node:')) continue
      if (!spec.startsWith('.')) throw new RunError(`the built-in app imports ${spec}, which the ${appImage} image does not carry`)
      queue.push(posix.normalize(posix.join(posix.dirname(rel), spec)).replace(/\.js$/, ''))
    }
  }
  return modules
}

/** Writes the build context (Dockerfile + app/) into `dir`; returns its files and their hash. */
export async function stageAppContext(dir: string): Promise<{files: string[]; hash: string}> {
  const hash = createHash('sha256')
  const files = ['Dockerfile', 'app/package.json']
  const dockerfile = join(packageRoot, 'apps', 'hello', 'Dockerfile')
  copyFileSync(dockerfile, join(dir, 'Dockerfile'))
  hash.update(readFileSync(dockerfile))
  mkdirSync(join(dir, 'app'), {recursive: true})
  writeFileSync(join(dir, 'app', 'package.json'), '{"type": "module"}\n')
  for (const [rel, js] of [...(await appModules())].sort(([a], [b]) => a.localeCompare(b))) {
    const file = join(dir, 'app', `${rel}.js`)
    mkdirSync(dirname(file), {recursive: true})
    writeFileSync(file, js)
    files.push(`app/${rel}.js`)
    hash.update(`\0${rel}\0${js}`)
  }
  return {files, hash: hash.digest('hex').slice(0, 12)}
}

/**
 * Builds `lbbench-hello` (and the base image first, if missing) unless an image built from the same app
 * exists. Returns true when it built.
 */
export async function ensureAppImage(docker: Docker, opts: {force?: boolean; log?: (line: string) => void} = {}): Promise<boolean> {
  const log = opts.log ?? (() => {})
  const dir = mkdtempSync(join(tmpdir(), 'lbbench-hello-'))
  try {
    const {files, hash} = await stageAppContext(dir)
    let previous: string | undefined
    try {
      const existing = await docker.getImage(appImage).inspect()
      if (!opts.force && existing.Config?.Labels?.[hashLabel] === hash) return false
      previous = existing.Id
    } catch (err) {
      if ((err as {statusCode?: number}).statusCode !== 404) throw err
    }
    await ensureBaseImage(docker, {log})
    log(`building ${appImage} (app ${hash})`)
    const stream = await docker.buildImage({context: dir, src: files}, {t: appImage, labels: {[hashLabel]: hash}, rm: true, forcerm: true})
    try {
      await followProgress(docker, stream)
    } catch (err) {
      throw new RunError(`building ${appImage} failed: ${(err as Error).message}`)
    }
    // The image it replaces would stay as an untagged leftover: remove it unless a container uses it.
    if (previous && previous !== (await docker.getImage(appImage).inspect()).Id) {
      await docker.getImage(previous).remove().catch(() => {})
    }
    log(`built ${appImage}`)
    return true
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
