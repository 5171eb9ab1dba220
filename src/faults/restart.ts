import type {FaultAction} from './action.js'

/**
 * A replica that died comes back under the same id. A live one is stopped first (SIGTERM), as a
 * rolling restart does. The orchestrator tells the balancer when the new replica has another port.
 */
export const restart: FaultAction = {
  name: 'restart',
  async apply(ctx, _fault, targets) {
    await Promise.all(
      targets.map(async (id) => {
        const info = ctx.replicas.list().find((r) => r.id === id)
        if (info && info.state !== 'exited') {
          const exited = new Promise<void>((resolve) => {
            const onExit = (exitedId: string) => {
              if (exitedId !== id) return
              ctx.replicas.off('exit', onExit)
              resolve()
            }
            ctx.replicas.on('exit', onExit)
          })
          await ctx.replicas.signal(id, 'SIGTERM')
          await exited
        }
        await ctx.replicas.restart(id)
      }),
    )
  },
}
