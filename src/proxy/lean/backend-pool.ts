// The lean engine's keep-alive connections to the backends: idle sockets per backend address, the most
// recently used taken first (its peer is least likely to have timed it out). A socket gets its listeners
// once, when it is made, and hands every event to whichever attempt owns it at the time, so reusing it
// costs no listener changes. Its per-try timer is lazy: taking the socket only sets a deadline, and the
// timer, when it fires, either finds the owner's deadline passed or waits again for what is left of it; so
// a request makes, clears or restarts no timer (restarting one per request cost about as much as parsing
// a response head). Idle sockets are closed 4 to 4.5 s after they were given back, before Node backends'
// 5 s keepAliveTimeout would close them under a request: one sweep of the pool every half second finds
// them (idle-sweep.ts).
// An address is looked up once per backend (`address`) and kept by the caller, so a request hashes no
// string to find its idle sockets.
// Every backend socket reads into the pool's one buffer (node:net's `onread`): no buffer is allocated per
// read and no stream machinery runs for it. The bytes an owner is handed are valid only during the call.
// What is written to them while the proxy is busy is held until the end of the event loop's turn
// (write-batch.ts).

import {connect, type Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
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

/** A backend address and its idle sockets, oldest first. */
export interface PoolAddress {
  readonly host: string
  readonly port: number
  /** `host:port`. */
  readonly key: string
  readonly idle: PooledSocket[]
}

export interface PooledSocket extends Socket {
  owner: SocketOwner | undefined
  /** The address it belongs to, for giving it back. */
  home: PoolAddress
  /** It has connected (an error before that is a connect failure). */
  connected: boolean
  /** It was idle in the pool when last taken (a new socket was not). */
  reused: boolean
  /** When its owner's try runs out (performance.now() ms; Infinity: never, or no owner). */
  deadline: number
  /** The lazy timer: pending until `timerAt`, when it looks at `deadline`. */
  attemptTimer: NodeJS.Timeout | undefined
  timerAt: number
  /** The pool's sweep count when the socket was last given back (idle-sweep.ts). */
  idleSince: number
}

const idleMsDefault = 4000
/** Sweeps per idle time: an idle socket is closed up to an eighth of it late. */
const sweepsPerIdle = 8
/** One read's room, as much as node:net's own reads take (64 KiB). */
export const readBufferBytes = 64 * 1024

export class BackendPool {
  /** While the event loop is busy, writes to the pool's sockets leave together at the end of each of its turns. */
  private readonly load = new LoopLoad()
  readonly writes = new WriteBatch(this.load)
  private readonly addresses = new Map<string, PoolAddress>()
  private readonly readBuffer = Buffer.allocUnsafe(readBufferBytes)
  private readonly sweeps: IdleSweep
  /** close() was called: a socket given back after it is closed at once (no sweep would find it). */
  private shut = false

  /** `idleMs`: how long a socket may stay idle before it is closed (4 s; tests pass less). */
  constructor(idleMs = idleMsDefault) {
    this.sweeps = new IdleSweep(idleMs, sweepsPerIdle, () => this.closeExpired())
  }

  /** The address `host:port`, the same object for every caller: kept, so that taking a socket needs no lookup. */
  address(host: string, port: number): PoolAddress {
    const key = `${host}:${port}`
    let a = this.addresses.get(key)
    if (!a) this.addresses.set(key, (a = {host, port, key, idle: []}))
    return a
  }

  /** An idle socket to `address` (`reused`), or a new one connecting; `owner` hears of it `timeoutMs` from now (0: never). */
  take(address: PoolAddress, owner: SocketOwner, timeoutMs: number): PooledSocket {
    const list = address.idle
    let s = list.pop()
    // One destroyed since it went idle is still listed until its `close` event.
    while (s?.destroyed) s = list.pop()
    const reused = s !== undefined
    s ??= this.connect(address)
    s.reused = reused
    s.owner = owner
    armAttempt(s, timeoutMs)
    return s
  }

  /** A socket whose response is complete and whose request was written in full: kept for the next request. */
  give(s: PooledSocket): void {
    s.owner = undefined
    s.deadline = Infinity
    if (s.destroyed) return
    if (this.shut) return void s.destroy()
    s.idleSince = this.sweeps.count
    s.home.idle.push(s)
  }

  close(): void {
    this.shut = true
    this.load.stop()
    this.sweeps.stop()
    for (const a of this.addresses.values()) for (const s of a.idle.splice(0)) s.destroy()
  }

  /** Closes the sockets idle for longer than the idle time. */
  private closeExpired(): void {
    const expired: PooledSocket[] = []
    for (const a of this.addresses.values()) {
      // Oldest first: a list is in the order its sockets were given back.
      for (const s of a.idle) {
        if (!this.sweeps.expired(s.idleSince)) break
        expired.push(s)
      }
    }
    for (const s of expired) s.destroy()
  }

  private connect(address: PoolAddress): PooledSocket {
    const buffer = this.readBuffer
    const {host, port} = address
    const s = connect({host, port, noDelay: true, onread: {buffer, callback: (n) => received(s, buffer.subarray(0, n))}}) as PooledSocket
    s.home = address
    s.connected = false
    s.reused = false
    s.deadline = Infinity
    s.attemptTimer = undefined
    s.timerAt = Infinity
    s.idleSince = 0
    s.on('connect', onConnect)
    s.on('error', onError)
    s.on('close', () => closed(s))
    return s
  }
}

function closed(s: PooledSocket): void {
  clearTimeout(s.attemptTimer)
  const owner = s.owner
  s.owner = undefined
  const list = s.home.idle
  const i = list.indexOf(s)
  if (i >= 0) list.splice(i, 1)
  owner?.onClose()
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

/** Sets the new owner's deadline; a timer is made only when none is pending by then. */
function armAttempt(s: PooledSocket, ms: number): void {
  if (ms <= 0) return void (s.deadline = Infinity)
  const deadline = performance.now() + ms
  s.deadline = deadline
  if (s.timerAt <= deadline) return
  clearTimeout(s.attemptTimer)
  startTimer(s, ms)
}

function startTimer(s: PooledSocket, ms: number): void {
  s.timerAt = performance.now() + ms
  s.attemptTimer = setTimeout(attemptTimerFired, ms, s).unref()
}

/** The owner's time ran out, or (taken again since the timer was set) it waits for what is left of it. */
function attemptTimerFired(s: PooledSocket): void {
  s.attemptTimer = undefined
  s.timerAt = Infinity
  if (s.owner === undefined || s.deadline === Infinity) return
  const left = s.deadline - performance.now()
  if (left <= 0) return s.owner.onTimeout()
  startTimer(s, Math.ceil(left))
}
