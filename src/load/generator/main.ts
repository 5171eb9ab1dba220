// The load generator process: runs the phases with autocannon and streams one sample per second of the
// load clock to the orchestrator (load/generator-client.ts starts it and talks to it over IPC). It runs
// in its own process because each part of a run has its own, so that no part's event loop distorts
// another's numbers: its event loop neither slows nor is slowed by the proxy or the replicas.
//
// This file is the IPC wiring only; the phases and their clock are in phase-runner.ts, and what is
// done to autocannon's clients is in autocannon-driver.ts and the files it names.

import type {FromGenerator, ToGenerator} from '../../model/generator-messages.js'
import type {Autocannon} from './autocannon-client.js'
import {PhaseRunner} from './phase-runner.js'
import {sendToParent} from '../../process/parent-channel.js'

/** A parent gone is handled by 'disconnect' below; a failed write (EPIPE) must not become an 'error' event. */
function send(message: FromGenerator, then?: () => void): void {
  sendToParent(message, {then})
}

function fail(message: string): void {
  send({type: 'error', message}, () => process.exit(1))
}

async function main(): Promise<void> {
  // The parent gone (even SIGKILLed) closes the IPC channel: nothing left to report to.
  process.on('disconnect', () => process.exit(0))
  process.on('uncaughtException', (e) => fail(`load generator: ${e instanceof Error ? e.message : String(e)}`))
  const loading = import('autocannon').then((m) => (m.default ?? m) as unknown as Autocannon)
  let runner: PhaseRunner | undefined
  let finished = false
  /** The last phase is over or a stop came: say so, then exit (once). */
  const done = (): void => {
    if (finished) return
    finished = true
    send({type: 'done'}, () => process.exit(0))
  }
  const stop = (): void => (runner ? runner.stop() : done())
  process.on('message', (m: ToGenerator) => {
    if (m.type === 'start') {
      loading.then((autocannon) => {
        if (finished || runner) return
        runner = PhaseRunner.start(m.config, autocannon, {send, done, fail})
      }, (e: Error) => fail(`cannot load autocannon: ${e.message}`))
    } else if (m.type === 'stop') {
      loading.then(stop, stop)
    }
  })
  await loading
  send({type: 'ready'})
}

if (!process.send) {
  console.error('the load generator runs as a child process of lbbench')
  process.exit(2)
}
void main()
