// How busy a load generator was over a run, from its once-a-second CPU and event-loop readings, and
// whether it was the bottleneck: one rule for a run's generators and for each shard of a merged run.

/** A generator at this share of one core (or of its event loop) was the bottleneck, not the system. */
export const SATURATED = 0.95
/** …and so was one whose 100 ms clock ticked this late: its seconds are no longer the system's seconds. */
export const SATURATED_LATE_MS = 500

export interface GeneratorLoad {
  /** Median CPU use, percent of one core (rounded to 0.1). */
  cpuPct: number
  /** Median event-loop utilisation (rounded to 0.001). */
  elu: number
  saturated: boolean
  /** How late (ms) its clock ticked at worst, or it was stopped past the phases' end; absent when never. */
  lateMs?: number
}

export function generatorLoad(usage: ReadonlyArray<{cpuPct: number; elu: number; lateMs?: number}>, stoppedLateMs = 0): GeneratorLoad {
  const cpu = median(usage.map((u) => u.cpuPct))
  const elu = median(usage.map((u) => u.elu))
  const lateMs = Math.max(stoppedLateMs, ...usage.map((u) => u.lateMs ?? 0))
  const saturated = cpu / 100 >= SATURATED || elu >= SATURATED || lateMs >= SATURATED_LATE_MS
  return {cpuPct: round(cpu), elu: round(elu, 3), saturated, ...(lateMs > 0 ? {lateMs: Math.round(lateMs)} : {})}
}

function median(xs: number[]): number {
  if (!xs.length) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
