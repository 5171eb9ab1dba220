// HAProxy's runtime API over its stats socket (one command per connection), and `show stat` parsed into
// per-server rows (pure part: parseShowStat, serverState).
import {createConnection} from 'node:net'

export function haproxyCommand(socket: string, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const conn = createConnection(socket)
    conn.setTimeout(timeoutMs, () => conn.destroy(new Error(`no answer to "${command}" on ${socket}`)))
    conn.on('connect', () => conn.end(`${command}\n`))
    conn.on('data', (c) => chunks.push(c))
    conn.on('error', reject)
    conn.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'))
    })
  })
}

export type StatRow = Record<string, string>

/** `show stat` CSV ("# pxname,svname,…" then one line per proxy/server) → rows by field name. */
export function parseShowStat(text: string): StatRow[] {
  const lines = text.split('\n').filter((l) => l.trim().length > 0)
  const header = lines.shift()
  if (!header?.startsWith('# ')) return []
  const names = header.slice(2).split(',')
  return lines.map((line) => {
    const values = csvFields(line)
    return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']))
  })
}

/** One CSV line's fields: HAProxy quotes a field with a comma in it (last_chk: "Detected 1 consecutive errors, last one …"), "" inside is a quote. */
function csvFields(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') field += line[++i]
      else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      fields.push(field)
      field = ''
    } else field += ch
  }
  fields.push(field)
  return fields
}

/** UP, "UP 1/3" (going down), NOLB, DRAIN, "no check" → up; DOWN, "DOWN 1/2" (going up), MAINT → down. */
export function serverState(status: string): 'up' | 'down' {
  return /^(DOWN|MAINT|NOLB\b.*DOWN)/.test(status) ? 'down' : 'up'
}

export const num = (row: StatRow, field: string): number => Number(row[field] || 0)
