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

export type ContainerSignal = 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'

/**
 * A signal as the engine does it: SIGKILL a kill, SIGTERM a stop with a grace time (a paused container
 * is unpaused first, or it would only see the signal after the grace, as a SIGKILL), SIGSTOP a pause,
 * SIGCONT an unpause.
 */
export async function signalContainer(c: Dockerode.Container, signal: ContainerSignal, stopSeconds: number): Promise<void> {
  if (signal === 'SIGKILL') await tolerant(c.kill({signal: 'SIGKILL'}), [404, 409])
  else if (signal === 'SIGTERM') {
    await unpauseIfPaused(c)
    await tolerant(c.stop({t: stopSeconds}), [304, 404, 409])
  } else if (signal === 'SIGSTOP') await tolerant(c.pause(), [404, 409])
  else await unpauseIfPaused(c)
}

/** A slot's state after a signal: a pause takes a live slot to paused, an unpause brings it back. */
export function stateAfter<S extends string>(state: S | 'up' | 'paused', signal: ContainerSignal): S | 'up' | 'paused' {
  if (signal === 'SIGSTOP' && state === 'up') return 'paused'
  if (signal === 'SIGCONT' && state === 'paused') return 'up'
  return state
}
