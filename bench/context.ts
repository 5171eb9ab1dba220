// What every measurement gets from bench/run.ts: the options, a log line, and an abort signal.

import type {Measurement} from './figures.js'

export interface BenchContext {
  quick: boolean
  long: boolean
  rounds: number
  /** Seconds each subject runs per round (closed-loop and rate phases alike). */
  subjectSeconds: number
  /** The package root (where bin/run.js and node_modules are). */
  root: string
  /** A private scratch folder for scenario files, reports of the runs, run folders. */
  scratch: string
  log: (line: string) => void
  signal: AbortSignal
}

export type MeasureFn = (ctx: BenchContext) => Promise<Measurement>
