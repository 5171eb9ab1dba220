// The local Node base image, built with no registry: a root file system holding the host's own `node`
// binary and the shared libraries `ldd` lists for it (the dynamic loader included), imported as an image.
// It is as small as Node gets (~100 MB) and runs exactly the Node version lbbench runs on.
import {execFileSync, spawn} from 'node:child_process'
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {RunError} from '../../model/errors.js'
import {followProgress, imageExists, type Docker} from './engine.js'

export const baseImage = 'lbbench-node:20'

/** The libraries the binary loads at start: absolute paths from `ldd` (vdso has none and is skipped). */
export function sharedLibraries(binary: string): string[] {
  let out: string
  try {
    out = execFileSync('ldd', [binary], {encoding: 'utf8'})
  } catch (err) {
    throw new RunError(`ldd ${binary} failed: ${(err as Error).message}`)
  }
  const libs = new Set<string>()
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line)
    if (m) libs.add(m[1])
  }
  return [...libs]
}

function copyInto(root: string, path: string, mode: number): void {
  const target = join(root, path)
  mkdirSync(dirname(target), {recursive: true})
  // Libraries are often symlinks (libc.so.6 → libc-2.36.so): the image gets the file under the name listed.
  copyFileSync(realpathSync(path), target)
  chmodSync(target, mode)
}

/** Builds `lbbench-node:20` unless it exists (or `force`). Returns true when it built it. */
export async function ensureBaseImage(docker: Docker, opts: {force?: boolean; log?: (line: string) => void} = {}): Promise<boolean> {
  if (!opts.force && (await imageExists(docker, baseImage))) return false
  if (process.platform !== 'linux') throw new RunError(`building ${baseImage} needs Linux (it copies the host's node binary)`)
  const log = opts.log ?? (() => {})
  const root = mkdtempSync(join(tmpdir(), 'lbbench-rootfs-'))
  try {
    const node = realpathSync(process.execPath)
    log(`building ${baseImage} from ${node} (${process.version}) and the libraries ldd lists`)
    mkdirSync(join(root, 'usr/local/bin'), {recursive: true})
    copyFileSync(node, join(root, 'usr/local/bin/node'))
    chmodSync(join(root, 'usr/local/bin/node'), 0o755)
    for (const lib of sharedLibraries(node)) copyInto(root, lib, 0o755)
    mkdirSync(join(root, 'etc'), {recursive: true})
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n')
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n')
    for (const dir of ['tmp', 'root', 'app']) mkdirSync(join(root, dir), {recursive: true})
    chmodSync(join(root, 'tmp'), 0o1777)

    const tar = spawn('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-cf', '-', '.'], {stdio: ['ignore', 'pipe', 'pipe']})
    let tarErr = ''
    tar.stderr.on('data', (c) => (tarErr += c))
    const tarDone = new Promise<void>((resolve, reject) => {
      tar.once('error', (err) => reject(new RunError(`tar could not be run: ${err.message} (apt-get install tar)`)))
      tar.once('exit', (code) => (code === 0 ? resolve() : reject(new RunError(`tar failed (${code}): ${tarErr.trim()}`))))
    })
    const stream = await docker.importImage(tar.stdout, {
      repo: baseImage.split(':')[0],
      tag: baseImage.split(':')[1],
      changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'WORKDIR /app', 'CMD ["node"]'],
    } as object)
    await Promise.all([followProgress(docker, stream, log), tarDone])
    log(`built ${baseImage}`)
    return true
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
}
