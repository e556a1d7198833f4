/**
 * Values that are there now or later. A read the model answers from memory has nothing to wait
 * for: passing it on without a promise spares each call (and each of a batch's fifty commands)
 * the promises, awaits and suspended frames, which were most of what a batch allocated.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`, now when the value is there, else once it is. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
