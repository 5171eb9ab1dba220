// `lbbench plan --kubernetes`: the manifest that runs a scenario's load as the shards of one Kubernetes
// Indexed Job, and the commands that collect and merge them. lbbench does not talk to the cluster: the
// user applies the manifest, so nothing here needs a client library or an API server (none is reachable
// where lbbench is tested; golden files check the text). Each pod is one `lbbench shard`, its index the
// Job's completion index; all share one start instant set a lead time ahead, far enough for every pod to
// be scheduled and pulled; anti-affinity puts them on different nodes, so that each has a machine's CPU.

import {stringify} from 'yaml'

export interface KubernetesPlanInput {
  /** The scenario's name (names the Job), its file, and the file's text (a ConfigMap the pods mount). */
  name: string
  scenarioFile: string
  scenarioText: string
  /** How long the load runs (its phases), for how long to wait for the Job. */
  loadMs: number
  shards: number
  image: string
  /** The common start instant, epoch ms. */
  startAt: number
  /** How far ahead of now the instant was set: the most a shard may be late. */
  leadMs: number
  /** Where the load goes, when not the scenario's external balancer url. */
  target?: string
}

/** Requests per shard: one generator process keeps about one core busy at full load. */
const resources = {requests: {cpu: '1', memory: '256Mi'}, limits: {memory: '512Mi'}}

export function kubernetesPlan(p: KubernetesPlanInput): string {
  const stamp = new Date(p.startAt).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-').toLowerCase()
  const job = `lbbench-${p.name}-${stamp}`.slice(0, 63).replace(/-+$/, '')
  const labels = {'app.kubernetes.io/name': 'lbbench', 'lbbench/job': job}
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: job, labels},
    data: {'scenario.yaml': p.scenarioText},
  }
  const args = [
    'shard', '/scenario/scenario.yaml',
    '--index', '$(JOB_COMPLETION_INDEX)',
    '--of', String(p.shards),
    '--start-at', new Date(p.startAt).toISOString(),
    '--max-late', `${Math.ceil(p.leadMs / 1000)}s`,
    '--quiet',
    ...(p.target ? ['--target', p.target] : []),
  ]
  const jobManifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {name: job, labels},
    spec: {
      completionMode: 'Indexed',
      completions: p.shards,
      parallelism: p.shards,
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: {labels},
        spec: {
          restartPolicy: 'Never',
          // lbbench sends only to loopback: on the node's network, the balancer's address is the node's own.
          hostNetwork: true,
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {'lbbench/job': job}}, topologyKey: 'kubernetes.io/hostname'}],
            },
          },
          containers: [{
            name: 'shard',
            image: p.image,
            command: ['node', '/lbbench/bin/run.js'],
            args,
            env: [{name: 'JOB_COMPLETION_INDEX', valueFrom: {fieldRef: {fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}}],
            resources,
            volumeMounts: [{name: 'scenario', mountPath: '/scenario', readOnly: true}],
          }],
          volumes: [{name: 'scenario', configMap: {name: job}}],
        },
      },
    },
  }
  // Each object written out in full: no YAML anchors and aliases, which not every reader of a manifest follows.
  const yaml = (x: unknown) => stringify(x, {aliasDuplicateObjects: false})
  return [...commands(job, p), yaml(configMap), '---', yaml(jobManifest)].join('\n')
}

/** The comment block at the top: how to apply, wait, collect and merge. */
function commands(job: string, p: KubernetesPlanInput): string[] {
  const wait = Math.ceil((p.leadMs + p.loadMs) / 1000) + 120
  return [
    `# lbbench plan: ${p.shards} shards of ${p.name}, starting together at ${new Date(p.startAt).toISOString()}.`,
    '# Apply it before that instant (it is set a lead time ahead), then collect and merge the shards:',
    '#',
    '#   kubectl apply -f plan.yaml',
    `#   kubectl wait --for=condition=complete job/${job} --timeout=${wait}s`,
    `#   for i in $(seq 0 ${p.shards - 1}); do`,
    `#     kubectl logs -l job-name=${job},batch.kubernetes.io/job-completion-index=$i --tail=-1 > shard-$i.jsonl`,
    '#   done',
    `#   lbbench merge shard-*.jsonl --scenario ${p.scenarioFile}`,
    `#   kubectl delete job/${job} configmap/${job}`,
    '',
  ]
}
