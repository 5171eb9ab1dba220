// Request bodies kept in memory so that a retry can send them again: once a body has been streamed to a
// backend it is gone (nginx buffers bodies for the same reason, `proxy_request_buffering on`). Bodies
// over the cap are streamed as they come and cannot be retried.

import type {FrontRequest} from './engine.js'
import {PassThrough, type Readable} from 'node:stream'

export function hasBody(req: FrontRequest): boolean {
  // A front that parsed the head itself knows (lean); node:http's request is a stream either way.
  if (req.body !== undefined) return req.body !== null
  const length = req.headers['content-length']
  if (length !== undefined) return length !== '0'
  return req.headers['transfer-encoding'] !== undefined
}

export type BodyResult =
  /** The whole body, to replay as often as needed. */
  | {kind: 'buffered'; body: Buffer}
  /** Over the cap: what was read so far followed by the rest of the request, for one attempt only. */
  | {kind: 'streamed'; stream: Readable}
  /** The client went away before its body arrived. */
  | {kind: 'aborted'}

/** Reads `req`'s body (`body`, its stream) up to `limit` bytes. */
export function bufferBody(req: FrontRequest, body: Readable, limit: number, done: (r: BodyResult) => void): void {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) {
    done({kind: 'streamed', stream: body})
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  const onData = (chunk: Buffer): void => {
    size += chunk.length
    chunks.push(chunk)
    if (size <= limit) return
    // A chunked body grew past the cap: send what we have, then the rest as it comes.
    cleanup()
    body.pause()
    const joined = new PassThrough()
    for (const c of chunks) joined.write(c)
    body.pipe(joined)
    done({kind: 'streamed', stream: joined})
  }
  const onEnd = (): void => {
    cleanup()
    done({kind: 'buffered', body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)})
  }
  const onAbort = (): void => {
    cleanup()
    done({kind: 'aborted'})
  }
  const cleanup = (): void => {
    body.off('data', onData)
    body.off('end', onEnd)
    body.off('error', onAbort)
    body.off('close', onClose)
  }
  const onClose = (): void => {
    if (!req.complete) onAbort()
  }
  body.on('data', onData)
  body.on('end', onEnd)
  body.on('error', onAbort)
  body.on('close', onClose)
}

/** A fresh stream of a buffered body for one attempt. */
export function replay(body: Buffer): Readable {
  const s = new PassThrough()
  s.end(body)
  return s
}
