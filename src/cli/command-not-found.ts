// What `lbbench valdate x.yaml` answers. oclif glues the words of an unknown command line into one id
// (`valdate:x.yaml`: with spaces between topics and commands it cannot tell a command's words from its
// arguments), so this hook splits the mistyped command from its arguments again, names the closest
// command, and exits 2 like every other usage error. It never asks "run it instead?": in CI nobody
// answers, and running a command the user did not type is not ours to decide.

import type {Hook} from '@oclif/core'
import {closest} from '../scenario/did-you-mean.js'

const commandNotFound: Hook.CommandNotFound = async function (opts) {
  const {config} = opts
  const words = opts.id.split(':')
  // The words that are topics belong to the command; the first that is not is the mistyped one.
  let n = 1
  while (n < words.length && config.findTopic(words.slice(0, n).join(':'))) n++
  const typed = words.slice(0, n).join(' ')
  const args = [...words.slice(n), ...(opts.argv ?? [])]
  const commands = config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]).map((id) => id.replaceAll(':', ' ')).sort()
  const guess = closest(typed, commands)
  const lines = [
    guess
      ? `${typed} is not a command; did you mean ${guess}? (${[config.bin, ...guess.split(' '), ...args].map(shellWord).join(' ')})`
      : `${typed} is not a command`,
    `the commands are ${commands.join(', ')} (\`${config.bin} --help\` says what each does)`,
  ]
  process.stderr.write(`${lines.join('\n')}\n`)
  this.exit(2)
}

/** A word as a shell reads it back: quoted when it holds anything but the usual path and flag characters. */
function shellWord(word: string): string {
  return /^[\w./:=,@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

export default commandNotFound
