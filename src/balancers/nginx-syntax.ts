// nginx configuration syntax, read far enough to find directives and blocks with their line numbers
// (pure). nginx's own rules: words are separated by blanks; `;` ends a directive, `{` opens its block and
// `}` closes it, unless quoted; `#` at the start of a word comments out the rest of the line; "…" and '…'
// quote, with `\` escaping the next character. `nginx -t` remains the judge of what a directive means.

export interface NginxDirective {
  name: string
  args: string[]
  /** The line the directive's name is on (1-based). */
  line: number
  /** Its block's directives, for a directive with a block (`http`, `upstream name`, `location /`). */
  block?: NginxDirective[]
  /** The line of the `{` that opens its block. */
  blockLine?: number
}

interface Token {
  text: string
  line: number
  /** `;`, `{` or `}` outside quotes. */
  special: boolean
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let i = 0
  while (i < text.length) {
    const ch = text[i]
    if (ch === '\n') line++
    if (/\s/.test(ch)) {
      i++
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (ch === ';' || ch === '{' || ch === '}') {
      tokens.push({text: ch, line, special: true})
      i++
    } else {
      const start = line
      let word = ''
      while (i < text.length && !/[\s;{}]/.test(text[i])) {
        const c = text[i]
        if (c === '"' || c === "'") {
          i++
          while (i < text.length && text[i] !== c) {
            if (text[i] === '\\' && i + 1 < text.length) i++
            if (text[i] === '\n') line++
            word += text[i++]
          }
          i++
        } else {
          word += c
          i++
        }
      }
      tokens.push({text: word, line: start, special: false})
    }
  }
  return tokens
}

/** The directives of `text`, or where its braces do not add up. */
export function parseNginx(text: string): {directives: NginxDirective[]} | {error: string; line: number} {
  const tokens = tokenize(text)
  let pos = 0
  const parseBlock = (closing: boolean): NginxDirective[] | {error: string; line: number} => {
    const list: NginxDirective[] = []
    while (pos < tokens.length) {
      const t = tokens[pos]
      if (t.special && t.text === '}') {
        if (!closing) return {error: 'a `}` closes no block', line: t.line}
        pos++
        return list
      }
      if (t.special) return {error: `unexpected "${t.text}"`, line: t.line}
      const d: NginxDirective = {name: t.text, args: [], line: t.line}
      pos++
      while (pos < tokens.length && !tokens[pos].special) d.args.push(tokens[pos++].text)
      const end = tokens[pos]
      if (!end) return {error: `the directive "${d.name}" has no ending ";" or block`, line: d.line}
      pos++
      if (end.text === '{') {
        d.blockLine = end.line
        const inner = parseBlock(true)
        if (!Array.isArray(inner)) return inner
        d.block = inner
      } else if (end.text === '}') {
        return {error: `the directive "${d.name}" has no ending ";"`, line: d.line}
      }
      list.push(d)
    }
    return closing ? {error: 'a block is not closed (a `}` is missing)', line: tokens.at(-1)?.line ?? 1} : list
  }
  const top = parseBlock(false)
  return Array.isArray(top) ? {directives: top} : top
}

/** Every directive named `name` at any depth, in file order. */
export function findAll(directives: NginxDirective[], name: string): NginxDirective[] {
  return directives.flatMap((d) => [...(d.name === name ? [d] : []), ...findAll(d.block ?? [], name)])
}

/** The chain of directives from the top down to the one whose name is `name` (first found), or undefined. */
export function pathTo(directives: NginxDirective[], name: string): NginxDirective[] | undefined {
  for (const d of directives) {
    if (d.name === name) return [d]
    const inner = d.block && pathTo(d.block, name)
    if (inner) return [d, ...inner]
  }
  return undefined
}
