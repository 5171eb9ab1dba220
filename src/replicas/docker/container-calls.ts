// Engine calls on one container whose "already so" answers are not failures: a kill of a container that
// has gone, a stop of one that has stopped, an unpause of one that is not paused. Docker and swarm
// replicas both act on containers through these.
import type Dockerode from 'dockerode'

export function statusOf(err: unknown): number | undefined {
  return (err as {statusCode?: number}).statusCode
}

/** Runs a Docker call whose "already so" answers (304 not modified, 404 gone, 409 conflict) are fine. */
export async function tolerant(call: Promise<unknown>, ok: number[]): Promise<void> {
  try {
    await call
  } catch (err) {
    if (!ok.includes(statusOf(err) ?? 0)) throw err
  }
}

/** Unpause answers 500 for a container that is not paused: ask first. */
export async function unpauseIfPaused(c: Dockerode.Container): Promise<void> {
  try {
    if ((await c.inspect()).State.Paused) await tolerant(c.unpause(), [404, 409])
  } catch (err) {
    if (statusOf(err) !== 404) throw err
  }
}
