// `lbbench plan --kubernetes`: no cluster is reachable here, so the manifest is checked against golden
// files (UPDATE_GOLDEN=1 node scripts/test.mjs kubernetes-plan rewrites them; read the diff), with the
// start instant given so that the text is the same on every run; and what plan refuses.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllDocuments} from 'yaml'
import {planCommand} from '../../src/cli/plan-command.js'

// The parts of the manifest the test reads.
interface Manifest {
  kind: string
  data: Record<string, string>
  spec: {
    completionMode: string
    completions: number
    parallelism: number
    template: {spec: {
      affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: Array<{topologyKey: string}>}}
      containers: Array<{args: string[]; resources: {requests: {cpu: string}}}>
    }}
  }
}

const root = join(import.meta.dirname, '..', '..')
const now = Date.parse('2030-01-01T11:59:00Z')

function golden(name: string, text: string): void {
  const file = join(root, 'test', 'fixtures', 'golden', name)
  if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(file) && !process.env.CI)) writeFileSync(file, text)
  assert.equal(text, readFileSync(file, 'utf8'), `${name} changed: UPDATE_GOLDEN=1 node scripts/test.mjs kubernetes-plan, then read the diff`)
}

test('the Indexed Job for the shipped scenario, start instant given', async () => {
  const text = await planCommand({file: 'scenarios/sharded.yaml', kubernetes: true, shards: 4, image: 'registry.example/lbbench:0.1.0', lead: '45s', startAt: '2030-01-01T12:00:00Z', target: 'http://127.0.0.1:8080'}, now)
  golden('kubernetes-plan.yaml', text)
  const [configMap, job] = parseAllDocuments(text).map((d) => d.toJS() as Manifest)
  assert.equal(configMap.kind, 'ConfigMap')
  assert.equal(configMap.data['scenario.yaml'], readFileSync(join(root, 'scenarios', 'sharded.yaml'), 'utf8'))
  assert.equal(job.spec.completionMode, 'Indexed')
  assert.equal(job.spec.completions, 4)
  assert.equal(job.spec.parallelism, 4)
  const pod = job.spec.template.spec
  assert.equal(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, 'kubernetes.io/hostname')
  const args = pod.containers[0].args
  assert.deepEqual(args.slice(0, 6), ['shard', '/scenario/scenario.yaml', '--index', '$(JOB_COMPLETION_INDEX)', '--of', '4'])
  assert.equal(args[args.indexOf('--start-at') + 1], '2030-01-01T12:00:00.000Z')
  assert.equal(args[args.indexOf('--max-late') + 1], '45s')
  assert.equal(pod.containers[0].resources.requests.cpu, '1')
  assert.match(text, /kubectl logs -l job-name=lbbench-sharded-20300101-120000,batch\.kubernetes\.io\/job-completion-index=\$i/)
  assert.match(text, /lbbench merge shard-\*\.jsonl --scenario scenarios\/sharded\.yaml/)
})

test('without --start-at the instant is --lead from now, rounded up to a whole second', async () => {
  const text = await planCommand({file: 'scenarios/sharded.yaml', kubernetes: true, lead: '30s', target: 'http://127.0.0.1:8080'}, Date.parse('2030-01-01T11:59:29.400Z'))
  assert.match(text, /--start-at\n\s+- 2030-01-01T12:00:00\.000Z/)
  // The scenario's own count: load.generators.count 2.
  assert.match(text, /completions: 2\n/)
})

test('what plan refuses: no engine, too many shards, no target, a past instant', async () => {
  const base = {file: 'scenarios/sharded.yaml', kubernetes: true, lead: '30s', target: 'http://127.0.0.1:8080'}
  await assert.rejects(planCommand({...base, kubernetes: false}, now), /--kubernetes/)
  await assert.rejects(planCommand({...base, shards: 9}, now), /--of 9: the load cannot be split into more shards than the fewest connections of a phase \(8\)/)
  await assert.rejects(planCommand({...base, target: undefined}, now), /--target is needed: scenarios\/sharded\.yaml's balancer is builtin/)
  await assert.rejects(planCommand({...base, startAt: '2030-01-01T11:00:00Z'}, now), /--start-at 2030-01-01T11:00:00\.000Z is already past/)
})
