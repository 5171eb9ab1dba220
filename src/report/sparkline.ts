// A one-line chart of a series, for the terminal: one block character per column, scaled from 0 to the
// series' maximum (from 0, so a dip looks as large as it is, not magnified).

const BLOCKS = '▁▂▃▄▅▆▇█'

/** How many points go into one column so that `points` fit in `width` columns. */
export function pointsPerColumn(points: number, width: number): number {
  return Math.max(1, Math.ceil(points / Math.max(1, width)))
}

/** Groups values into columns of `per` points each, reduced by `reduce` (mean for rates, max for p99). */
export function columns(values: number[], per: number, reduce: (group: number[]) => number): number[] {
  const out: number[] = []
  for (let i = 0; i < values.length; i += per) out.push(reduce(values.slice(i, i + per)))
  return out
}

export const mean = (g: number[]): number => (g.length === 0 ? 0 : g.reduce((a, b) => a + b, 0) / g.length)
export const max = (g: number[]): number => g.reduce((a, b) => Math.max(a, b), 0)

export function sparkline(values: number[]): string {
  const top = max(values)
  return values
    .map((v) => (top <= 0 || !Number.isFinite(v) ? BLOCKS[0] : BLOCKS[Math.min(7, Math.max(0, Math.round((v / top) * 7)))]))
    .join('')
}
