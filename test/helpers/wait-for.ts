// Waits for something a test cannot be told about: polls `check` until it holds, and fails, naming what
// it waited for, when it has not within `ms`. Polling with a cap instead of a fixed sleep keeps a test
// from failing on a busy machine only because a timer ran late, and still lets it fail.

/** Resolves once `check` holds (polled every `everyMs`); throws `<what>: not within <ms> ms` otherwise. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what = 'the condition', everyMs = 10): Promise<void> {
  const deadline = performance.now() + ms
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
