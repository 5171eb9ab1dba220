// Messages from a forked child (the built-in proxy, the load generator) to its parent over their IPC
// channel. The parent can be gone while the child has not yet read that the channel closed: a busy event
// loop runs its timers before it polls the channel, so a once-a-second message is written into a closed
// pipe. The write then fails with EPIPE, and without a callback Node emits that as an 'error' event on
// `process`: uncaught, it crashed the built-in proxy at the end of runs at 10,000 connections. Every send
// here has a callback, so a parent that went away is what it is, the end of the child's job.

/** The part of `process` (a forked child) that talks to its parent. */
export interface ParentChannel {
  connected: boolean
  send?: (message: unknown, handle: undefined, options: undefined, callback: (error: Error | null) => void) => boolean
}

export interface SendOptions {
  /** Runs once the message was written, or could not be. */
  then?: () => void
  /** Runs when the parent can no longer be written to (the channel is closed, or the write failed). */
  onGone?: () => void
}

export function sendToParent(message: unknown, opts: SendOptions = {}, channel: ParentChannel = process): void {
  const gone = (): void => {
    opts.onGone?.()
    opts.then?.()
  }
  if (!channel.connected || !channel.send) return gone()
  try {
    channel.send(message, undefined, undefined, (error) => (error ? gone() : opts.then?.()))
  } catch {
    // ERR_IPC_CHANNEL_CLOSED: the channel closed between the check and the send.
    gone()
  }
}
