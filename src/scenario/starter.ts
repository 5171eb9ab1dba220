// The starter scenario `lbbench init` writes: short enough to run in seconds, with every section present
// and the options one is likely to try next in comments. The kinds it lists come from their registries.

import {balancerKinds} from '../balancers/registry.js'
import {faultKinds} from '../faults/registry.js'
import {defaultStrategy, strategyKinds} from '../proxy/strategies/registry.js'
import {replicaKinds} from '../replicas/registry.js'

/** Where the comments after the values start (`# ` included: the names start 2 columns later). */
const COMMENT_COLUMN = 34
const WIDTH = 114

/** `a | b | c` as a comment at COMMENT_COLUMN, wrapped after a `|` so that no line is longer than WIDTH. */
function namesComment(names: readonly string[], last = ''): string {
  const lines: string[] = []
  let line = ''
  names.forEach((name, i) => {
    const longer = line ? `${line} | ${name}` : name
    const ending = i < names.length - 1 ? ' |' : last
    if (line && COMMENT_COLUMN + 2 + longer.length + ending.length > WIDTH) {
      lines.push(`${line} |`)
      line = name
    } else {
      line = longer
    }
  })
  lines.push(line + last)
  return lines.join(`\n${' '.repeat(COMMENT_COLUMN)}# `)
}

export function starterScenario(name: string, schemaRef: string): string {
  const otherStrategies = strategyKinds.names.filter((s) => s !== defaultStrategy)
  return `# yaml-language-server: $schema=${schemaRef}
#
# An lbbench scenario: replicas of an app, a balancer in front of them, load, faults on the load clock,
# and thresholds that decide whether the run passes (exit 0) or fails (exit 1).
#   lbbench validate ${name}.yaml     check it without running anything
#   lbbench run ${name}.yaml          run it
# Durations always carry a unit (250us, 500ms, 5s, 2m). Unknown keys are errors.
name: ${name}
description: Two replicas behind round-robin; one is killed under load and restarted.
seed: 1                           # seeds every random choice, so a run can be repeated

replicas:
  count: 2                        # named r1 … rN
  kind: cluster                   # ${namesComment(replicaKinds.names)}
  app:                            # the built-in app's behaviour
    latency: 1ms                  # or {dist: normal, mean: 5ms, stddev: 1ms} (also exponential, uniform)
    cpu: 0ms                      # busy work per request
    body: 12                      # response size in bytes ("Hello World!")
    errorRate: 0                  # fraction of requests answered 500
  # command: "node app.js"        # process: $PORT and $REPLICA are set
  # overrides:                    # per replica
  #   r2: {latency: 20ms, weight: 2}

balancer:
  kind: builtin                   # ${namesComment(balancerKinds.names)}
  ${`strategy: ${defaultStrategy}`.padEnd(COMMENT_COLUMN - 2)}# ${namesComment(otherStrategies, ' (the hash ones take hashKey)')}
  retries: 1                      # a refused or reset GET is tried once more on another replica
  timeout: 2s                     # per try
  # mode: tcp                     # builtin, nginx, haproxy: balance connections (L4), not requests
  # health:
  #   passive: {maxFails: 1, failTimeout: 10s}
  #   active: {path: /, interval: 1s, timeout: 500ms, rise: 2, fall: 3}

load:
  connections: 10
  # rate: 1000                    # total requests per second; without it, as fast as the connections go
  timeout: 2s                     # per request
  phases:
    - {name: warmup, duration: 1s, measure: false}
    - {name: steady, duration: 5s}        # the load clock: t = 0 is the start of the first measured phase
  requests:
    - {method: GET, path: /}

faults:                           # ${namesComment(faultKinds.names)}
  - {at: 2s, action: kill, target: r2}
  - {at: 4s, action: restart, target: r2}
  # - {at: 2s, action: slow, target: r1, latency: 200ms, for: 2s}

thresholds:                       # metric[phase, window=…] op value; any false one fails the run
  - errors.rate < 1%
  - latency.p99 < 100ms
  # - errors.rate[window=1s] < 5%    # in every 1 s window, not only over the whole run
  # - fairness.jain > 0.9
  # - failover.failed == 0
`
}
