// Runs a scenario's phases one after another on the load clock, and turns the counts of each second
// into a sample when the second (or the phase) ends. A second that straddles two phases gives one
// sample per phase. The phases end on this clock, never on autocannon's timer. The clock ticks every
// 100 ms, to move the counts on to the next tenth of the second (so no response handler reads a clock),
// on a timer and also from the generator's own events (clock-due.ts). A tick that comes late (a starved
// event loop) catches up: the parts and seconds it passed are sent, empty, and how late it was goes
// into the usage report, where the orchestrator takes it for a saturated generator.

import {performance} from 'node:perf_hooks'
import type {PhaseSpec} from '../../model/scenario.js'
import type {FromGenerator, GeneratorConfig, Timing} from '../../model/generator-messages.js'
import type {AcInstance, Autocannon} from './autocannon-client.js'
import {AutocannonDriver, perConnection, type PhaseLoad} from './autocannon-driver.js'
import {LoadClock} from './load-clock.js'
import {keepsClients} from './kept-clients.js'
import {isPaced} from './pacing.js'
import {SecondCounts} from './second-counts.js'
import {UsageMeter} from '../../process/usage-meter.js'

/** Where the runner's messages go, and what it does once the phases are over (may be called twice) or autocannon fails. */
/** Callbacks, not methods: `fail` is handed on to the driver on its own. */
export interface RunnerOutput {
  send: (message: FromGenerator) => void
  done: () => void
  fail: (message: string) => void
}

interface PhaseRun extends PhaseLoad {
  index: number
  /** Offsets in whole ms on the load clock. */
  startOffset: number
  endOffset: number
  /** The second being counted, and the 100 ms part of the load clock (both counted from t = 0). */
  second: number
  tenth: number
  timing: Timing
  instance: AcInstance | undefined
  timer: NodeJS.Timeout | undefined
}

export class PhaseRunner {
  private readonly counts: SecondCounts
  private readonly driver: AutocannonDriver
  private current: PhaseRun | undefined
  private readonly usage = new UsageMeter()
  /** The latest tick of the measured phases since the last usage report (ms). */
  private lateMs = 0
  private readonly tick = (): void => {
    if (this.current) this.onClock(this.current)
  }

  /** Starts the load clock and the first phase; out.done() once the last one is over. */
  static start(config: GeneratorConfig, autocannon: Autocannon, out: RunnerOutput): PhaseRunner {
    const runner = new PhaseRunner(config, new LoadClock(config.phases, performance.now(), Date.now()), autocannon, out)
    if (config.phases.length === 0) out.done()
    else runner.runPhase(0)
    return runner
  }

  private constructor(
    private readonly config: GeneratorConfig,
    private readonly clock: LoadClock,
    autocannon: Autocannon,
    private readonly out: RunnerOutput,
  ) {
    this.counts = new SecondCounts(perConnection(config) !== undefined)
    this.counts.due.tick = this.tick
    this.driver = new AutocannonDriver(autocannon, config, this.counts, (message) => out.fail(message))
  }

  /** Ends the phase running now (its partial second is sent), then out.done(). */
  stop(): void {
    const run = this.current
    if (run) this.endPhase(run, this.clock.now())
    this.out.done()
  }

  /** Starts phase `index`, on the clients of `previous` when it keeps them (kept-clients.ts). */
  private runPhase(index: number, previous?: PhaseRun): void {
    const clock = this.clock
    const spec: PhaseSpec = this.config.phases[index]
    const startOffset = clock.phaseStarts[index]
    const paced = isPaced(spec, this.config.timing)
    const run: PhaseRun = {
      index,
      spec,
      startOffset,
      endOffset: clock.phaseEnd(index),
      second: clock.secondAt(startOffset),
      tenth: clock.tenthAt(startOffset),
      paced,
      timing: paced ? 'intended-send' : 'actual-send',
      startsAt: clock.startedAt + startOffset,
      scheduleOffsetMs: this.config.scheduleOffsetsMs?.[index] ?? 0,
      clients: [],
      // Until the end of the last phase: the phases after this one may keep its clients.
      runsForMs: clock.phaseEnd(this.config.phases.length - 1) - startOffset,
      instance: undefined,
      timer: undefined,
    }
    this.current = run
    this.setTenth(run)
    this.out.send({type: 'phase-start', phase: spec.name, measure: spec.measure, epochMs: clock.epochAt(startOffset), timing: run.timing})
    if (previous) this.driver.keep(previous, run)
    // A kept phase goes on with the autocannon instances of the phase it took the clients from.
    run.instance = previous ? previous.instance : this.driver.start(run)
    this.scheduleClock(run)
  }

  private setTenth(run: PhaseRun): void {
    this.counts.tenth = run.tenth - run.second * 10
    this.counts.clockTenth = run.tenth
  }

  /** The next 100 ms boundary or the phase's end, whichever comes first. */
  private nextBoundary(run: PhaseRun): number {
    return Math.min(this.clock.tenthEnd(run.tenth), run.endOffset)
  }

  private scheduleClock(run: PhaseRun): void {
    const at = this.nextBoundary(run)
    this.counts.due.at = this.clock.startedAt + at
    run.timer = setTimeout(this.tick, this.clock.msUntil(at))
  }

  /** A boundary is due (the timer, or clock-due.ts): moves on to the part of the clock it is now in. */
  private onClock(run: PhaseRun): void {
    clearTimeout(run.timer)
    this.counts.due.at = Infinity
    const now = this.clock.now()
    if (run.spec.measure) this.lateMs = Math.max(this.lateMs, now - this.nextBoundary(run))
    // Normally one step; a late tick steps over every part that has passed meanwhile.
    do {
      if (run.endOffset <= this.clock.tenthEnd(run.tenth)) {
        const next = this.config.phases[run.index + 1] as PhaseSpec | undefined
        const keep = next !== undefined && keepsClients(run.spec, next)
        this.endPhase(run, run.endOffset, keep)
        if (next) this.runPhase(run.index + 1, keep ? run : undefined)
        else this.out.done()
        return
      }
      run.tenth++
      if (Math.floor(run.tenth / 10) !== run.second) {
        this.flush(run)
        this.reportUsage()
        run.second++
      }
      this.setTenth(run)
    } while (this.nextBoundary(run) <= now)
    this.scheduleClock(run)
  }

  private reportUsage(): void {
    const lateMs = Math.max(0, Math.round(this.lateMs))
    this.lateMs = 0
    this.out.send({type: 'usage', ...this.usage.take(), ...(lateMs > 0 ? {lateMs} : {})})
  }

  private flush(run: PhaseRun): void {
    this.out.send({type: 'sample', sample: this.counts.toSample(run.second, run.spec.name, run.spec.measure, run.paced)})
    this.counts.clear()
  }

  /**
   * Stops the phase's clients at once (in-flight requests are cut off, not failed), or with `keep` leaves
   * them to the next phase (their requests in flight move to it), and sends its last sample.
   */
  private endPhase(run: PhaseRun, endOffset: number, keep = false): void {
    clearTimeout(run.timer)
    this.counts.due.at = Infinity
    if (keep) this.driver.handOut(run)
    else this.driver.stop(run, run.instance)
    this.flush(run)
    this.out.send({type: 'phase-end', phase: run.spec.name, epochMs: this.clock.epochAt(endOffset)})
    this.current = undefined
  }
}
