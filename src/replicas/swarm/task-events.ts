// The engine's container events for a run's swarm tasks, as they happen: which slot's task was created,
// started, died (with its exit code), was paused or reported unhealthy, at the engine's own time. The
// swarm replica set follows its tasks from these instead of polling, and puts them on the timeline.
import type {Docker} from '../docker/engine.js'
import {runLabel} from './engine.js'

export type TaskAction = 'create' | 'start' | 'die' | 'kill' | 'pause' | 'unpause' | 'health'

export interface TaskEvent {
  action: TaskAction
  /** The service's slot the task fills (1 … N). */
  slot: number
  containerId: string
  taskId: string
  /** The engine's own timestamp (ms since the epoch). */
  epochMs: number
  /** die: the exit code; kill: the signal; health: the status. */
  detail?: string
}

interface EngineEvent {
  Type?: string
  Action?: string
  Actor?: {ID?: string; Attributes?: Record<string, string>}
  timeNano?: number
}

const followed: Record<string, TaskAction> = {create: 'create', start: 'start', die: 'die', kill: 'kill', pause: 'pause', unpause: 'unpause'}

/** One engine event as a task event, or undefined for one that says nothing of a task's slot. */
export function taskEventOf(e: EngineEvent): TaskEvent | undefined {
  const attrs = e.Actor?.Attributes ?? {}
  // The task's name is <service>.<slot>.<task id>.
  const slot = Number((attrs['com.docker.swarm.task.name'] ?? '').split('.').at(-2))
  if (e.Type !== 'container' || !e.Actor?.ID || !Number.isInteger(slot) || slot < 1) return undefined
  const health = /^health_status: (.*)$/.exec(e.Action ?? '')
  const action = health ? 'health' : followed[e.Action ?? '']
  if (!action) return undefined
  const detail = health ? health[1] : e.Action === 'die' ? attrs.exitCode : e.Action === 'kill' ? attrs.signal : undefined
  return {
    action,
    slot,
    containerId: e.Actor.ID,
    taskId: attrs['com.docker.swarm.task.id'] ?? '',
    epochMs: Math.round((e.timeNano ?? Date.now() * 1e6) / 1e6),
    ...(detail === undefined ? {} : {detail}),
  }
}

/** Follows the run's container events from `sinceMs` on; resolves once following, with a function that stops it. */
export async function followTaskEvents(docker: Docker, runId: string, sinceMs: number, onEvent: (e: TaskEvent) => void): Promise<() => void> {
  const stream = (await docker.getEvents({
    since: Math.floor(sinceMs / 1000),
    filters: {type: ['container'], label: [`${runLabel}=${runId}`]},
  })) as NodeJS.ReadableStream & {destroy(): void}
  let rest = ''
  stream.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.trim()) continue
      try {
        const e = taskEventOf(JSON.parse(line) as EngineEvent)
        if (e && e.epochMs >= sinceMs - 1000) onEvent(e)
      } catch {
        // Not an event: nothing to follow.
      }
    }
  })
  stream.on('error', () => {})
  return () => stream.destroy()
}
