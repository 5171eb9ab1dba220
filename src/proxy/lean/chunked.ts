// Where a chunked body ends (RFC 9112 §7.1), found without decoding it: the bytes pass through as they
// came, and this only follows the chunk sizes, so the proxy knows when a request's body or a response is
// over. Strict: sizes in hex (at most 12 digits), every line ends in CRLF, extensions and trailer lines
// hold no controls; anything else is an error (a framing the proxy and the other side might read apart).

import {CR, isValueByte, LF} from './chars.js'

const enum S {
  Size,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  LineStart,
  Trailer,
  TrailerLf,
  LastLf,
  Done,
}

const maxSizeDigits = 12

const hexValue = new Int8Array(256).fill(-1)
for (let c = 0; c < 10; c++) hexValue[0x30 + c] = c
for (let c = 0; c < 6; c++) hexValue[0x41 + c] = hexValue[0x61 + c] = 10 + c

export class ChunkedFramer {
  private state = S.Size
  private size = 0
  private digits = 0
  private remaining = 0

  /**
   * Follows buf[start, end): the index just after the body's last byte when it ends there, -1 when it
   * goes on past `end`. Throws on a malformed framing.
   */
  feed(buf: Buffer, start: number, end: number): number {
    let i = start
    while (i < end) {
      const c = buf[i]
      switch (this.state) {
        case S.Data: {
          const n = Math.min(this.remaining, end - i)
          this.remaining -= n
          i += n
          if (this.remaining === 0) this.state = S.DataCr
          continue
        }
        case S.Size: {
          const v = hexValue[c]
          if (v >= 0) {
            if (++this.digits > maxSizeDigits) throw new Error('chunk size too large')
            this.size = this.size * 16 + v
          } else if (this.digits === 0) throw new Error('a chunk without a size')
          else if (c === 0x3b) this.state = S.Ext
          else if (c === CR) this.state = S.SizeLf
          else throw new Error('an invalid chunk size')
          break
        }
        case S.Ext:
          if (c === CR) this.state = S.SizeLf
          else if (isValueByte[c] !== 1) throw new Error('an invalid chunk extension')
          break
        case S.SizeLf:
          if (c !== LF) throw new Error('a bare CR in a chunk line')
          this.remaining = this.size
          this.state = this.size === 0 ? S.LineStart : S.Data
          this.size = 0
          this.digits = 0
          break
        case S.DataCr:
          if (c !== CR) throw new Error('chunk data longer than its size')
          this.state = S.DataLf
          break
        case S.DataLf:
          if (c !== LF) throw new Error('a bare CR after chunk data')
          this.state = S.Size
          break
        case S.LineStart:
          this.state = c === CR ? S.LastLf : S.Trailer
          if (c !== CR && isValueByte[c] !== 1) throw new Error('an invalid trailer line')
          break
        case S.Trailer:
          if (c === CR) this.state = S.TrailerLf
          else if (isValueByte[c] !== 1) throw new Error('an invalid trailer line')
          break
        case S.TrailerLf:
          if (c !== LF) throw new Error('a bare CR in a trailer line')
          this.state = S.LineStart
          break
        case S.LastLf:
          if (c !== LF) throw new Error('a bare CR at the end of a chunked body')
          this.state = S.Done
          return i + 1
        case S.Done:
          return i
      }
      i++
    }
    return -1
  }

  get done(): boolean {
    return this.state === S.Done
  }
}
