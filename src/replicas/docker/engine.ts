// The Docker Engine, reached through dockerode (imported only when a docker replica set or `clean` needs
// it). dockerode reads DOCKER_HOST (unix://, tcp://, with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) itself, so
// a remote engine works as the docker CLI's would.
import type Dockerode from 'dockerode'
import {RunError} from '../../model/errors.js'

export type Docker = Dockerode

/** Where dockerode will look for the engine, for messages. */
export function engineAddress(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock'
}

function unreachable(detail: string): RunError {
  return new RunError(
    `Docker is not reachable at ${engineAddress()}: start dockerd (apt-get install docker.io; dockerd &) or set DOCKER_HOST (${detail})`,
  )
}

/** A client whose engine answered a ping, or RunError (exit 3) saying how to get one. */
export async function connectDocker(timeoutMs = 5000): Promise<Docker> {
  const {default: Docker} = await import('dockerode')
  let docker: Docker
  try {
    docker = new Docker()
  } catch (err) {
    throw unreachable((err as Error).message)
  }
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs)
      }),
    ])
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw unreachable(e.code ?? e.message)
  } finally {
    clearTimeout(timer)
  }
  return docker
}

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect()
    return true
  } catch (err) {
    if ((err as {statusCode?: number}).statusCode === 404) return false
    throw err
  }
}

/** Reads a build or import progress stream to its end; a step that failed rejects with its message. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream, onLine?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err) reject(err)
        else if (failure) reject(new Error(failure))
        else resolve()
      },
      (event: {stream?: string; status?: string; error?: string; errorDetail?: {message?: string}}) => {
        if (event.error || event.errorDetail) failure = event.errorDetail?.message ?? event.error
        const text = (event.stream ?? event.status ?? '').trimEnd()
        if (text && onLine) onLine(text)
      },
    )
  })
}
