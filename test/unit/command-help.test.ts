// Every command's --help text, as written in its class: no sentence said twice. compare's description
// once held two versions of the same paragraph (an edit that added one and left the other), and --help
// printed both.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

const folder = join(import.meta.dirname, '..', '..', 'src', 'commands')

/** The sentences of a text, whitespace folded; short ones (a flag name, "0 written") may well recur. */
function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.;])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 40)
}

for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
  test(`${file}: its description and flags say no sentence twice`, async () => {
    const {default: command} = (await import(join(folder, file))) as {default: {summary?: string; description?: string; flags?: Record<string, {description?: string}>}}
    assert.ok(command.description, `${file} has a description`)
    const texts = [command.description, ...Object.values(command.flags ?? {}).map((f) => f.description ?? '')]
    const seen = new Set<string>()
    const twice: string[] = []
    for (const s of texts.flatMap(sentences)) {
      if (seen.has(s)) twice.push(s)
      seen.add(s)
    }
    assert.deepEqual(twice, [])
  })
}
