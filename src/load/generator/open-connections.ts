// How many connections the generator holds open: a gauge each sample carries, read at the end of its
// second. The scenario says how many connections a phase wants; this says how many it had, which
// differs while 10,000 of them are still being opened, and while a backend that went away refuses them.

import type {Socket} from 'node:net'

/** Counts `socket` in `counts.open` from its connect (or TLS socket's TCP connect) until its close. */
export function countWhileOpen(socket: Socket, counts: {open: number}): void {
  socket.once('connect', () => {
    counts.open++
    socket.once('close', () => counts.open--)
  })
}
