// A part of a run that is a module of this package (the built-in proxy, the cluster primary, a load
// generator) runs as a child process with an IPC channel, so that its event loop neither slows nor is
// slowed by the orchestrator's. This is the orchestrator's side of such a child: messages in and out,
// questions with a time limit, its exit noticed once (and whether we had asked for it), and its end.
import type {ChildProcess} from 'node:child_process'
import {endChild, hasExited} from './end-child.js'
import {forkModule, type ForkOptions} from './fork-module.js'
import type {ProgramExit} from './program-exit.js'
import {Replies, type AskOptions} from './replies.js'

/** A message that asks for an answer, before it gets its reqId. */
export type Question<T> = T extends {reqId: number} ? Omit<T, 'reqId'> : never

export class ForkedChild<In extends {type: string}, Out extends {type: string}> {
  readonly process: ChildProcess
  /** Resolves when it has exited. */
  readonly exited: Promise<ProgramExit>
  private readonly replies: Replies<Out>
  private exitExpected = false
  private ending?: Promise<void>

  constructor(options: ForkOptions) {
    this.process = forkModule(options)
    // 'error' here is an IPC failure once the child is gone (a send to a closed channel): its exit is what counts.
    this.process.on('error', () => {})
    this.replies = new Replies<Out>((question) => this.deliver(question))
    this.process.on('message', (m: Out) => this.replies.take(m))
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.replies.abandon()
        resolve({code, signal})
      })
    })
  }

  get pid(): number | undefined {
    return this.process.pid
  }

  /** Not exited yet. */
  get running(): boolean {
    return !hasExited(this.process)
  }

  get connected(): boolean {
    return this.process.connected
  }

  /** Sends `message`; dropped once the channel has closed (the child is going, its exit tells the rest). */
  send(message: In): void {
    this.deliver(message)
  }

  onMessage(listener: (message: Out) => void): void {
    this.process.on('message', listener)
  }

  /** Called once when it exits, with whether expectExit() announced that exit. */
  onExit(listener: (exit: ProgramExit, expected: boolean) => void): void {
    this.process.once('exit', (code, signal) => listener({code, signal}, this.exitExpected))
  }

  /** Whatever exit comes now is one we asked for (a stop, a kill, a child that said it was done). */
  expectExit(): void {
    this.exitExpected = true
  }

  /** Sends `question` with a reqId and waits up to `timeoutMs` for the `replyType` answer carrying it. */
  ask<T extends Out['type']>(question: Question<In>, replyType: T, timeoutMs: number, options: AskOptions<Out>): Promise<Extract<Out, {type: T}>> {
    return this.replies.ask(question, replyType, timeoutMs, options)
  }

  /** Waits up to `timeoutMs` for the next `replyType` message, one the child sends unasked. */
  expect<T extends Out['type']>(replyType: T, timeoutMs: number, options: AskOptions<Out>): Promise<Extract<Out, {type: T}>> {
    return this.replies.expect(replyType, timeoutMs, options)
  }

  /**
   * Asks it to end, by closing its channel or with a message (SIGTERM when the channel is closed
   * already), and SIGKILLs it after `graceMs`; resolves once it has exited.
   */
  end(how: 'disconnect' | In, graceMs: number): Promise<ProgramExit> {
    this.ending ??= endChild(this.process, () => this.askToEnd(how), graceMs)
    return this.exited
  }

  /** SIGKILL, now. */
  kill(): void {
    if (this.running) this.process.kill('SIGKILL')
  }

  private askToEnd(how: 'disconnect' | In): void {
    if (!this.connected) this.process.kill('SIGTERM')
    else if (how === 'disconnect') this.process.disconnect()
    else this.process.send(how)
  }

  private deliver(message: object): boolean {
    if (!this.connected) return false
    this.process.send(message)
    return true
  }
}
