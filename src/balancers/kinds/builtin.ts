// The built-in proxy (src/proxy): every strategy and health option, one or more proxy processes behind
// one port; per request (mode http) or per connection (mode tcp, proxy/tcp/).
import {modeLabel, modeOption, modeProblems, tcpSplitsByConnection} from '../balancer-mode.js'
import {availableParallelism} from 'node:os'
import type {KindProblem} from '../../model/kind.js'
import type {BalancerSpec} from '../../model/scenario.js'
import {strategyKinds} from '../../proxy/strategies/registry.js'
import {ownStackLabel, strategyLabel, type BalancerKind, type ObservedBalancer} from '../balancer-kind.js'

/** Several proxy processes: how many, and whether they shared their health state. */
function workers(b: BalancerSpec, observed?: ObservedBalancer): string[] {
  // A report from before balancer.workers has none: one process.
  if (!(b.workers > 1)) return []
  const state = observed?.state ?? (b.sharedState ? 'shared' : 'per-worker')
  return [`${b.workers} workers`, state === 'shared' ? 'shared health state' : 'per-worker state']
}

export const builtin: BalancerKind = {
  name: 'builtin',
  summary: "lbbench's own Node proxy: every strategy, passive and active health checks, retries and retry budgets",
  strategies: Object.fromEntries(strategyKinds.names.map((name) => [name, `its own ${name} (src/proxy/strategies)`])),
  options: {mode: modeOption},
  splitsByConnection: tcpSplitsByConnection,
  ignoresWeights: (b) => strategyKinds.get(b.strategy)?.ignoresWeights,
  // Shared state is between the proxy's workers: with one process (or another balancer) there is nothing
  // to share with, and a scenario that asks for it would promise what the run does not do.
  ownKeys: {sharedState: "the built-in proxy's workers only (balancer.kind builtin with workers > 1)"},
  checkSections(b) {
    if (!b.sharedState || b.workers > 1) return []
    const message = 'needs balancer.workers 2 or more: a single proxy process has no other to share its state with; workers is 1'
    return [{path: 'balancer.sharedState', message, atKey: true}]
  },
  check(s) {
    const problems: KindProblem[] = [...modeProblems(s.balancer)]
    // More than two processes per core only take turns on the cores.
    const most = availableParallelism() * 2
    if (s.balancer.workers > most) {
      problems.push({path: 'balancer.workers', message: `at most ${most} proxy processes on this machine (2 per core, ${availableParallelism()} cores); got ${s.balancer.workers}`})
    }
    return problems
  },
  label: (b, observed) => `built-in proxy (${[strategyLabel(b), ...modeLabel(b), ...workers(b, observed), ...ownStackLabel(b)].join(', ')})`,
  terminatesTls: true,
  // Like nginx's own defaults (max_fails=1 fail_timeout=10s): a backend is out for 10 s after one failure.
  defaultHealth: () => ({passive: {maxFails: 1, failTimeout: 10_000, statuses: []}}),
  create: async (opts) => new (await import('../builtin.js')).BuiltinBalancer(opts),
}
