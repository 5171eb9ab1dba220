// The longest the proxy's active checks (src/proxy/health-checker.ts) can take to mark a backend down
// that stopped answering, by their own arithmetic: the first check starts within an interval, each
// times out `timeout` after it starts, and a check still running holds the ticks it spans, so the next
// starts on the first tick after it ended (a tick due the same millisecond may come first and be held
// too). With timeout < interval that is interval × fall + timeout, HAProxy's figure.

export function activeCheckWorstMs(c: {interval: number; timeout: number; fall: number}): number {
  const ticksHeld = Math.floor(c.timeout / c.interval) + 1
  return c.interval + (c.fall - 1) * ticksHeld * c.interval + c.timeout
}
