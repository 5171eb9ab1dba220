// The generators' configuration for a scenario's load, made in one place for `lbbench run` (which learns
// its targets once the balancer is up) and `lbbench shard` (which sends to a balancer already running).

import {balancerKinds} from '../balancers/registry.js'
import type {GeneratorConfig} from '../model/generator-messages.js'
import type {Scenario} from '../model/scenario.js'

export function generatorConfigOf(s: Scenario, targets: string[]): GeneratorConfig {
  const config: GeneratorConfig = {targets, phases: s.load.phases, requests: s.load.requests, timeout: s.load.timeout, seed: s.seed}
  const backendHeader = balancerKinds.get(s.balancer.kind)?.backendHeaderOf?.(s.balancer)
  if (backendHeader !== undefined) config.backendHeader = backendHeader
  if (s.load.keepAlive === false) config.keepAlive = false
  if (s.load.keepAliveRequests !== undefined) config.requestsPerConnection = s.load.keepAliveRequests
  return config
}
