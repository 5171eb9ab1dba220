// `replicas.build: ./folder`: the folder's Dockerfile built through the engine API, tagged by a hash of
// the folder's files, so an unchanged folder is never rebuilt and a changed one always is.
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {RunError} from '../../model/errors.js'
import {followProgress, imageExists, type Docker} from './engine.js'

function filesOf(root: string, dir = root): string[] {
  return readdirSync(dir, {withFileTypes: true})
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = join(dir, e.name)
      if (e.isDirectory()) return filesOf(root, p)
      return e.isFile() ? [relative(root, p).split(sep).join('/')] : []
    })
}

/** `lbbench-build:<12 hex of sha256 over the files' paths, modes and contents>`. */
export function folderTag(folder: string): {tag: string; files: string[]} {
  const files = filesOf(folder)
  const hash = createHash('sha256')
  for (const f of files) {
    const p = join(folder, f)
    hash.update(`${f}\0${statSync(p).mode & 0o111 ? 'x' : '-'}\0`)
    hash.update(readFileSync(p))
    hash.update('\0')
  }
  return {tag: `lbbench-build:${hash.digest('hex').slice(0, 12)}`, files}
}

/** The image for `folder`, built now if no image of the same files exists. */
export async function ensureFolderImage(docker: Docker, folder: string, log: (line: string) => void = () => {}): Promise<string> {
  if (!existsSync(join(folder, 'Dockerfile'))) throw new RunError(`replicas.build: ${folder} has no Dockerfile`)
  const {tag, files} = folderTag(folder)
  if (await imageExists(docker, tag)) return tag
  log(`building ${tag} from ${folder}`)
  const lines: string[] = []
  const stream = await docker.buildImage({context: folder, src: files}, {t: tag, rm: true, forcerm: true})
  try {
    await followProgress(docker, stream, (line) => lines.push(line))
  } catch (err) {
    throw new RunError(`building ${folder} failed: ${(err as Error).message}\n--- last lines of the build ---\n${lines.slice(-15).join('\n')}`)
  }
  return tag
}
