// Colour is decided once per command and then forced on both chalk and cli-table3, because neither
// decides well alone: chalk 5 ignores NO_COLOR, and cli-table3 colours its borders and headers even
// when piped (its @colors/colors decides without looking at a stream, and ignores NO_COLOR too).

import chalk, {Chalk, type ChalkInstance} from 'chalk'

export interface ColorInputs {
  /** `--color` (true) or `--no-color` (false); undefined when neither was given. */
  flag?: boolean
  env: NodeJS.ProcessEnv | Record<string, string | undefined>
  /** Whether the stream the output goes to is a terminal. */
  isTTY: boolean | undefined
}

/** flag > FORCE_COLOR > NO_COLOR > a terminal that is not TERM=dumb. */
export function decideColor({flag, env, isTTY}: ColorInputs): boolean {
  if (flag !== undefined) return flag
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  // no-color.org: present and not empty disables colour.
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return isTTY === true && env.TERM !== 'dumb'
}

/** Forces the global chalk (used by code that does not get a RenderOptions) to the decision. */
export function applyColor(use: boolean): void {
  chalk.level = use ? (chalk.level > 0 ? chalk.level : 1) : 0
}

/** A chalk of its own for one rendering, so a renderer never depends on global state. */
export function paint(use: boolean): ChalkInstance {
  return new Chalk({level: use ? 1 : 0})
}

/** cli-table3's style: empty head/border lists are the only way to stop it colouring when piped. */
export function tableStyle(use: boolean): {head: string[]; border: string[]} {
  return use ? {head: ['cyan'], border: ['grey']} : {head: [], border: []}
}

/** A borderless table: a rule under the header only, two spaces between columns; reads well in logs. */
export function plainTableOptions(use: boolean) {
  return {
    style: {...tableStyle(use), compact: true, 'padding-left': 1, 'padding-right': 1},
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '─', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
    },
  }
}
