// autocannon makes all of an instance's clients inside one call, and each builds its requests (a deep
// clone) and opens its socket there: 10,000 clients took 1.3–1.6 s of CPU in one go (measured alone),
// during which the generator's clock could not tick, so every phase at that size started seconds late
// and was marked saturated by its own start-up. A phase's clients are therefore made in batches of
// BATCH, one autocannon instance each, one batch per turn of the event loop: the clock, the samples and
// the first requests go on while the rest connect. Connection k overall still goes to target k mod T,
// and a rate is shared out in proportion, so the batches add up to what one instance would have done.

import type {AcInstance} from './autocannon-client.js'

export const BATCH = 500

/** Starts `total` connections through `launch(first, n)`, batch by batch; stop() also cancels the batches not made yet. */
export function startInBatches(total: number, launch: (first: number, n: number) => AcInstance): AcInstance {
  const instances: AcInstance[] = []
  let made = 0
  let pending: NodeJS.Immediate | undefined
  const next = (): void => {
    pending = undefined
    const n = Math.min(BATCH, total - made)
    instances.push(launch(made, n))
    made += n
    if (made < total) pending = setImmediate(next)
  }
  next()
  return {
    stop() {
      if (pending) clearImmediate(pending)
      pending = undefined
      for (const i of instances) i.stop()
    },
  }
}

/** The share of a whole `rate` that connections [first, first + n) of `total` get: whole numbers that add up to it. */
export function batchRate(rate: number, first: number, n: number, total: number): number {
  return Math.floor((rate * (first + n)) / total) - Math.floor((rate * first) / total)
}

/** The targets as a batch starting at connection `first` gets them (autocannon gives its client i target i mod T). */
export function rotatedTargets(targets: string[], first: number): string[] {
  const shift = targets.length > 0 ? first % targets.length : 0
  return [...targets.slice(shift), ...targets.slice(0, shift)]
}
