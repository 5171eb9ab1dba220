// What a report says about where it was measured (CPU, cores, Node, OS, balancer and lbbench versions),
// so that two reports can be told to come from like or unlike machines.

import {cpus, release, platform} from 'node:os'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {packageRoot} from '../process/child-entry.js'
import type {Environment} from '../model/report.js'

/** The fingerprint every report carries, so that comparisons can tell like from unlike. */
export function environment(balancerVersion?: string): Environment {
  const cpu = cpus()
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    os: `${platform()} ${release()}`,
    ...(balancerVersion ? {balancerVersion} : {}),
  }
}

export function lbbenchVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {version: string}).version
}
