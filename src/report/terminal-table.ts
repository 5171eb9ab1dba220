// The terminal report's tables and indentation, shared by its sections (terminal.ts, shards-view.ts) and
// the comparison's.

import Table from 'cli-table3'
import {plainTableOptions} from './color.js'

export type Align = 'left' | 'right'

/** A borderless cli-table3 table, trailing spaces trimmed. */
export function table(head: string[], rows: string[][], color: boolean, aligns?: Align[]): string {
  const t = new Table({
    head,
    ...plainTableOptions(color),
    colAligns: aligns ?? head.map((_, i) => (i === 0 ? 'left' : 'right')),
  })
  t.push(...rows)
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n')
}

export function indent(text: string, by = '  '): string {
  return text.split('\n').map((l) => (l ? by + l : l)).join('\n')
}
