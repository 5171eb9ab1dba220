// The lean engine's keep-alive connections to the backends: idle sockets per backend address, the most
// recently used taken first (its peer is least likely to have timed it out). A socket gets its listeners
// once, when it is made, and its per-try timer once, when first needed, and hands every event to whichever
// attempt owns it at the time, so reusing it costs no listener changes and no timer made or cleared per
// request (a timer made and cleared costs about 8 times a restarted one). Idle sockets are closed 4 to
// 4.5 s after they were given back, before Node backends' 5 s keepAliveTimeout would close them under a
// request: one sweep of the pool every half second finds them (idle-sweep.ts).
// Every backend socket reads into the pool's one buffer (node:net's `onread`): no buffer is allocated per
// read and no stream machinery runs for it. The bytes an owner is handed are valid only during the call.
// What is written to them while the proxy is busy is held until the end of the event loop's turn
// (write-batch.ts).

import {connect, type Socket} from 'node:net'
import {IdleSweep} from './idle-sweep.js'
import {LoopLoad, WriteBatch} from './write-batch.js'

/** What owns a backend socket while a request is on it (an attempt). */
export interface SocketOwner {
  /** `chunk` lies in the pool's shared read buffer: valid only during this call (copy what is kept). */
  onData(chunk: Buffer): void
  onError(err: NodeJS.ErrnoException): void
  onClose(): void
  /** Its per-try timeout ran out (the time given to `take`). */
  onTimeout(): void
}

export interface PooledSocket extends Socket {
  owner: SocketOwner | undefined
  /** The address it belongs to, for giving it back. */
  key: string
  /** It has connected (an error before that is a connect failure). */
  connected: boolean
  /**
   * Restarted when an attempt takes the socket and never stopped in between: it can only run out
   * `attemptMs` after the latest take, so whoever owns the socket then has run out of time.
   */
  attemptTimer: NodeJS.Timeout | undefined
  attemptMs: number
  /** The pool's sweep count when the socket was last given back (idle-sweep.ts). */
  idleSince: number
}

const idleMsDefault = 4000
/** Sweeps per idle time: an idle socket is closed up to an eighth of it late. */
const sweepsPerIdle = 8
/** One read's room, as much as node:net's own reads take (64 KiB). */
const readBufferBytes = 64 * 1024

export class BackendPool {
  /** While the event loop is busy, writes to the pool's sockets leave together at the end of each of its turns. */
  private readonly load = new LoopLoad()
  readonly writes = new WriteBatch(this.load)
  private readonly idle = new Map<string, PooledSocket[]>()
  private readonly readBuffer = Buffer.allocUnsafe(readBufferBytes)
  private readonly sweeps: IdleSweep
  /** close() was called: a socket given back after it is closed at once (no sweep would find it). */
  private shut = false

  /** `idleMs`: how long a socket may stay idle before it is closed (4 s; tests pass less). */
  constructor(idleMs = idleMsDefault) {
    this.sweeps = new IdleSweep(idleMs, sweepsPerIdle, () => this.closeExpired())
  }

  /** An idle socket to `host:port` (`reused`), or a new one connecting; `owner` hears of it `timeoutMs` from now (0: never). */
  take(host: string, port: number, key: string, owner: SocketOwner, timeoutMs: number): {socket: PooledSocket; reused: boolean} {
    const list = this.idle.get(key)
    let s = list?.pop()
    // One destroyed since it went idle is still listed until its `close` event.
    while (s?.destroyed) s = list!.pop()
    const reused = s !== undefined
    s ??= this.connect(host, port, key)
    s.owner = owner
    armAttempt(s, timeoutMs)
    return {socket: s, reused}
  }

  /** A socket whose response is complete and whose request was written in full: kept for the next request. */
  give(s: PooledSocket): void {
    s.owner = undefined
    if (s.destroyed) return
    if (this.shut) return void s.destroy()
    s.idleSince = this.sweeps.count
    let list = this.idle.get(s.key)
    if (!list) this.idle.set(s.key, (list = []))
    list.push(s)
  }

  close(): void {
    this.shut = true
    this.load.stop()
    this.sweeps.stop()
    for (const list of this.idle.values()) for (const s of list) s.destroy()
    this.idle.clear()
  }

  /** Idle sockets held per address (tests count them). */
  idleCount(key: string): number {
    return this.idle.get(key)?.length ?? 0
  }

  /** Closes the sockets idle for longer than the idle time. */
  private closeExpired(): void {
    const expired: PooledSocket[] = []
    for (const list of this.idle.values()) {
      // Oldest first: a list is in the order its sockets were given back.
      for (const s of list) {
        if (!this.sweeps.expired(s.idleSince)) break
        expired.push(s)
      }
    }
    for (const s of expired) s.destroy()
  }

  private connect(host: string, port: number, key: string): PooledSocket {
    const buffer = this.readBuffer
    const s = connect({host, port, noDelay: true, onread: {buffer, callback: (n) => received(s, buffer.subarray(0, n))}}) as PooledSocket
    s.key = key
    s.connected = false
    s.attemptTimer = undefined
    s.attemptMs = 0
    s.idleSince = 0
    s.on('connect', onConnect)
    s.on('error', onError)
    s.on('close', () => this.closed(s))
    return s
  }

  private closed(s: PooledSocket): void {
    clearTimeout(s.attemptTimer)
    const owner = s.owner
    s.owner = undefined
    const list = this.idle.get(s.key)
    const i = list ? list.indexOf(s) : -1
    if (i >= 0) list!.splice(i, 1)
    if (list && list.length === 0) this.idle.delete(s.key)
    owner?.onClose()
  }
}

function onConnect(this: PooledSocket): void {
  this.connected = true
}

/** node:net's onread callback; `true`: reading goes on (an owner pauses the socket itself). */
function received(s: PooledSocket, chunk: Buffer): true {
  // Bytes on an idle socket belong to no request: the connection cannot be trusted any more.
  if (s.owner) s.owner.onData(chunk)
  else s.destroy()
  return true
}

function onError(this: PooledSocket, err: NodeJS.ErrnoException): void {
  const owner = this.owner
  this.owner = undefined
  owner?.onError(err)
}

function armAttempt(s: PooledSocket, ms: number): void {
  if (ms === s.attemptMs && s.attemptTimer) return void s.attemptTimer.refresh()
  clearTimeout(s.attemptTimer)
  s.attemptMs = ms
  s.attemptTimer = ms > 0 ? setTimeout(attemptRanOut, ms, s).unref() : undefined
}

function attemptRanOut(s: PooledSocket): void {
  s.owner?.onTimeout()
}
