// Request and answer over an IPC channel, with a time limit: a question carries a fresh reqId and is
// settled by the message of the expected type that carries the same reqId back. Used with the children
// the orchestrator forks (forked-child.ts) and by the cluster primaries with their workers, whose
// channels are cluster workers rather than child processes: the channel is only a send function here.

export interface AskOptions<Reply> {
  /** The error when no answer came in time. */
  timeout: () => Error
  /** The error when the question could not be sent, or the other side went away before answering. */
  gone?: () => Error
  /** The error that a message other than the answer means for this question (a start that failed). */
  failure?: (message: Reply) => Error | undefined
}

interface Waiter<Reply> {
  replyType: string
  /** Absent: any message of replyType answers (expect()). */
  reqId?: number
  options: AskOptions<Reply>
  settle(answer: Reply | undefined, error?: Error): void
}

type Answer<Reply, T> = Extract<Reply, {type: T}>

export class Replies<Reply extends {type: string}> {
  private nextReqId = 1
  private readonly waiting = new Set<Waiter<Reply>>()

  /** `send` delivers a question, or returns false when the channel is closed. */
  constructor(private readonly send: (question: object) => boolean) {}

  /** Sends `question` with a reqId; resolves with the `replyType` message that carries it back. */
  ask<T extends Reply['type']>(question: {type: string}, replyType: T, timeoutMs: number, options: AskOptions<Reply>): Promise<Answer<Reply, T>> {
    const reqId = this.nextReqId++
    return this.wait(replyType, reqId, timeoutMs, options, {...question, reqId})
  }

  /** Resolves with the next `replyType` message (one the other side sends unasked, such as `ready`). */
  expect<T extends Reply['type']>(replyType: T, timeoutMs: number, options: AskOptions<Reply>): Promise<Answer<Reply, T>> {
    return this.wait(replyType, undefined, timeoutMs, options)
  }

  /** Settles whatever `message` answers; the channel's owner passes every message it receives here. */
  take(message: Reply): void {
    const reqId = (message as {reqId?: unknown}).reqId
    for (const waiter of [...this.waiting]) {
      if (message.type === waiter.replyType && (waiter.reqId === undefined || waiter.reqId === reqId)) waiter.settle(message)
      else {
        const error = waiter.options.failure?.(message)
        if (error) waiter.settle(undefined, error)
      }
    }
  }

  /** Fails every open question: the other side is gone. */
  abandon(): void {
    for (const waiter of [...this.waiting]) waiter.settle(undefined, goneError(waiter.options))
  }

  private wait<T extends Reply['type']>(replyType: T, reqId: number | undefined, timeoutMs: number, options: AskOptions<Reply>, question?: object): Promise<Answer<Reply, T>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter<Reply> = {
        replyType,
        reqId,
        options,
        settle: (answer, error) => {
          clearTimeout(timer)
          this.waiting.delete(waiter)
          if (error) reject(error)
          else resolve(answer as Answer<Reply, T>)
        },
      }
      const timer = setTimeout(() => waiter.settle(undefined, options.timeout()), timeoutMs)
      this.waiting.add(waiter)
      if (!question) return
      try {
        if (!this.send(question)) waiter.settle(undefined, goneError(options))
      } catch (err) {
        waiter.settle(undefined, err as Error)
      }
    })
  }
}

function goneError<Reply>(options: AskOptions<Reply>): Error {
  return options.gone?.() ?? new Error('the process at the other end of the channel is gone')
}
