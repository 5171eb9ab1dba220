#!/usr/bin/env node
// npm run docker:base [-- --force]
// Builds, with no image registry, the two local images the docker scenarios use:
//   lbbench-node:20   a root file system with this machine's own `node` binary and the libraries `ldd`
//                     lists for it, imported into the engine (docker import)
//   lbbench-hello     the built-in app on top of it (apps/hello/Dockerfile)
//   lbbench:<version> lbbench itself, for load shards in a Swarm job (load.generators.on: swarm); only
//                     from the compiled package (npm run build first), else skipped
// Skips an image that is already there and up to date, unless --force. Needs a reachable engine
// (DOCKER_HOST is honoured). `lbbench run` builds both on first use too; this script is for CI and for
// building ahead of time. It uses the compiled package (dist/) when there is one, the sources otherwise.
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const force = process.argv.includes('--force')

async function load(rel) {
  const compiled = join(root, 'dist', 'src', `${rel}.js`)
  if (existsSync(compiled)) return import(pathToFileURL(compiled).href)
  const {register} = await import('tsx/esm/api')
  register()
  return import(pathToFileURL(join(root, 'src', `${rel}.ts`)).href)
}

try {
  const {connectDocker} = await load('replicas/docker/engine')
  const {ensureBaseImage, baseImage} = await load('replicas/docker/base-image')
  const {ensureAppImage} = await load('replicas/docker/app-image')
  const {appImage} = await load('replicas/docker/app-image-name')
  const docker = await connectDocker()
  const log = (line) => console.error(line)
  if (!(await ensureBaseImage(docker, {force, log}))) console.error(`${baseImage} exists (--force rebuilds it)`)
  if (!(await ensureAppImage(docker, {force, log}))) console.error(`${appImage} is up to date (--force rebuilds it)`)
  if (existsSync(join(root, 'dist', 'load', 'shard-main.js'))) {
    const {ensureLbbenchImage, lbbenchImage} = await load('load/swarm/lbbench-image')
    await ensureLbbenchImage(docker, log)
    console.error(`${lbbenchImage()} is ready`)
  } else console.error('lbbench:<version> skipped: it is built from the compiled package (npm run build)')
} catch (err) {
  console.error(err.exitCode ? err.message : err)
  process.exit(err.exitCode ?? 1)
}
