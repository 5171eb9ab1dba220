// Reads the complete lines a program appended to a log file since the last read (nginx's access and
// error logs while a run goes on). Synchronous and incremental: each call reads only new bytes.
import {closeSync, fstatSync, openSync, readSync} from 'node:fs'

export class LogTail {
  private offset = 0
  private partial = ''

  constructor(readonly file: string) {}

  /** New complete lines; an unfinished last line waits for the next call. */
  read(): string[] {
    let fd: number
    try {
      fd = openSync(this.file, 'r')
    } catch {
      return []
    }
    try {
      const size = fstatSync(fd).size
      if (size < this.offset) this.offset = 0
      if (size === this.offset) return []
      const buf = Buffer.alloc(size - this.offset)
      const n = readSync(fd, buf, 0, buf.length, this.offset)
      this.offset += n
      const text = this.partial + buf.subarray(0, n).toString('utf8')
      const lines = text.split('\n')
      this.partial = lines.pop() ?? ''
      return lines.filter((l) => l.length > 0)
    } finally {
      closeSync(fd)
    }
  }

  /** Skips everything written so far. */
  skipToEnd(): void {
    this.read()
  }
}
