#!/usr/bin/env node
// npm run docker:base [-- --force]
// Builds, with no image registry, the local images the docker and swarm scenarios use:
//   lbbench-node:20   a root file system with this machine's own `node` binary and the libraries `ldd`
//                     lists for it, imported into the engine (docker import)
//   lbbench-hello     the built-in app on top of it (apps/hello/Dockerfile)
//   lbbench:<version> lbbench itself, for load shards in a Swarm job (load.generators.on: swarm); only
//                     from the compiled package (npm run build first), else skipped
// Skips an image that is already there and up to date, unless --force. Needs a reachable engine
// (DOCKER_HOST is honoured). `lbbench run` builds them on first use too; this script is for CI and for
// building ahead of time. It runs lbbench's modules from the sources (through tsx), as the tests do, so
// the lbbench-hello it builds carries the app hash the tests expect and they do not build it again.
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {register} from 'tsx/esm/api'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const force = process.argv.includes('--force')
register()
const load = (rel) => import(pathToFileURL(join(root, 'src', `${rel}.ts`)).href)

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
