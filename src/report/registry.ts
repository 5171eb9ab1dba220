// Output formats by name (`--format`). Each entry loads its file only when used.
import type {Renderer} from './renderer.js'

export const renderers: Record<string, () => Promise<Renderer>> = {
  terminal: async () => (await import('./terminal.js')).terminalRenderer,
  json: async () => (await import('./json.js')).jsonRenderer,
  markdown: async () => (await import('./markdown.js')).markdownRenderer,
  html: async () => (await import('./html.js')).htmlRenderer,
  junit: async () => (await import('./junit.js')).junitRenderer,
}
