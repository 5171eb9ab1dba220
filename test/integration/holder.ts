// Runs test/fixtures/replica-holder.ts (a stand-in orchestrator) and waits for its first line.
import {spawn, type ChildProcess} from 'node:child_process'
import type {LoadedScenario} from '../../src/model/scenario.js'
import type {ReplicaInfo} from '../../src/replicas/replica-set.js'

export async function startHolder(
  kind: string,
  loaded: LoadedScenario,
  runDir: string,
  runId: string,
  writeState = false,
): Promise<{holder: ChildProcess; infos: ReplicaInfo[]; pids: number[]}> {
  const args = ['--import', 'tsx', 'test/fixtures/replica-holder.ts', kind, JSON.stringify(loaded), runDir, runId, ...(writeState ? ['--state'] : [])]
  const holder = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit']})
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    holder.stdout.on('data', (c) => {
      out += c
      if (out.includes('\n')) resolve(out)
    })
    holder.once('exit', (code) => reject(new Error(`the holder exited early (${code})`)))
  })
  return {holder, ...(JSON.parse(line) as {infos: ReplicaInfo[]; pids: number[]})}
}
