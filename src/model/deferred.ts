// A promise settled from outside, for waits that an event ends rather than a call (a replica listening,
// the balancer's address becoming known). Its rejection is marked handled at once: the thing waited for
// may fail before anybody waits for it, and that must not end the process as an unhandled rejection.

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: Error) => void
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => {})
  return {promise, resolve, reject}
}
