// A replica that died comes back under the same id. A live one is stopped first (SIGTERM), as a
// rolling restart does, unless its kind restarts a live one by itself (an external system's restart
// command). The orchestrator tells the balancer when the new replica has another port.
import {breaksNothing, onReplicas, type FaultKind} from './action.js'

/** How long a replica gets to end on SIGTERM before a restart SIGKILLs it. */
const TERMINATE_GRACE_MS = 10_000

export const restart: FaultKind = {
  name: 'restart',
  summary: 'a replica that died comes back under the same id; a live one is stopped first (SIGTERM)',
  ...onReplicas(),
  failover: breaksNothing,
  stopsTarget: true,
  async apply(ctx, _fault, targets) {
    await Promise.all(
      targets.map(async (id) => {
        const info = ctx.replicas.list().find((r) => r.id === id)
        if (info && info.state !== 'exited' && !ctx.replicas.restartsLive) {
          const exited = new Promise<void>((resolve) => {
            const onExit = (exitedId: string) => {
              if (exitedId !== id) return
              ctx.replicas.off('exit', onExit)
              resolve()
            }
            ctx.replicas.on('exit', onExit)
          })
          await ctx.replicas.signal(id, 'SIGTERM')
          // A replica that ignores SIGTERM must not hold the restart for the rest of the run.
          let timer: NodeJS.Timeout | undefined
          const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), TERMINATE_GRACE_MS)))
          if ((await Promise.race([exited, late])) === 'late') {
            ctx.event('fault-note', `${id} did not end within ${TERMINATE_GRACE_MS / 1000} s of SIGTERM: SIGKILL`, id)
            await ctx.replicas.signal(id, 'SIGKILL')
            await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
          }
          clearTimeout(timer)
        }
        await ctx.replicas.restart(id)
      }),
    )
  },
}
