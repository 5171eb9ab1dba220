// What each balancer kind can do, checked when a scenario is validated (after the schema passed), so
// that a strategy or option a balancer cannot honour is a scenario error (exit 2), not a surprise
// mid-run. Each kind's engineer fills its entry. `path` is a dotted field path (`balancer.strategy`,
// `faults.2.action`); the validator turns it into file:line:col.

import type {Scenario} from '../model/scenario.js'
import {nginxSupport} from './nginx-support.js'
import {haproxySupport} from './haproxy-support.js'
import {builtinSupport} from './builtin-support.js'

export interface SupportProblem {
  path: string
  message: string
}

export type SupportCheck = (s: Scenario) => SupportProblem[]

const nothingToCheck: SupportCheck = () => []

export const balancerSupport: Record<string, SupportCheck> = {
  builtin: builtinSupport,
  nginx: nginxSupport,
  haproxy: haproxySupport,
  cluster: nothingToCheck,
  none: nothingToCheck,
}
