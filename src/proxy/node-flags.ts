// The Node flags the built-in proxy's processes start with (the proxy the orchestrator forks, and each
// cluster worker of balancer.workers > 1).
// `--v8-pool-size=1`: Node gives V8 four helper threads by default, whatever the cores, for parallel
// scavenges, concurrent marking and sweeping, and background compilation. The proxy shares two cores with
// the replicas and the load generator, and the helpers' bursts delay whichever of those they land beside.
// With one helper, in three sets of paired rounds at 1,000 req/s, the proxy's p99 fell from 1.72-2.00 ms
// to 1.52-1.56 ms and its main-thread CPU by 1-4 µs per request, with the p50 unmoved and the highest
// throughput no lower (docs/proxy-engines.md, "One V8 helper thread").
export const proxyNodeFlags: readonly string[] = ['--v8-pool-size=1']
