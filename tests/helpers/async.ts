// Small tools for testing single-thread async code (AsyncMutex, limit, BoundedQueue): no worker,
// no timer; every wait on the student's code still goes through `within()` from ./assert.
import { settle, show, within } from './assert';

/** A promise with its resolve/reject exposed: a gate a test opens when it chooses. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Lets every pending microtask (promise callbacks, `await` continuations, `process.nextTick`)
 * run to completion: resolves on a later turn of the event loop. Use it before asserting that
 * something has NOT happened (or before reading counters), never to order events.
 */
export async function flush(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Calls `fn`, which must return a promise. A function that returns a promise reports failure by
 * rejecting, so a synchronous throw (or a non-promise) fails the test with a message naming `what`.
 */
export function promiseFrom<T>(fn: () => Promise<T>, what: string): Promise<T> {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    throw new Error(
      `\`${what}\` threw ${show(error)} instead of returning a promise. ` +
        '(A function that returns a promise reports errors by rejecting, not by throwing.)',
    );
  }
  if (!result || typeof (result as Promise<T>).then !== 'function') {
    throw new Error(`Expected \`${what}\` to return a promise, got ${show(result)}.`);
  }
  return result as Promise<T>;
}

/** The state of a promise, updated as it settles (a rejection counts as handled). */
export interface Tracked<T> {
  promise: Promise<T>;
  settled: boolean;
  ok?: boolean;
  value?: T;
  error?: unknown;
}
export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { promise, settled: false };
  promise.then(
    (value) => Object.assign(t, { settled: true, ok: true, value }),
    (error: unknown) => Object.assign(t, { settled: true, ok: false, error }),
  );
  return t;
}

/** The message of a rejection reason, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A `settle()` result as a student would read it: "resolved with `42`" or "rejected with `Error: boom`". */
export function outcome(result: { ok: true; value: unknown } | { ok: false; error: unknown }): string {
  if (result.ok) return `resolved with ${show(result.value)}`;
  const { error } = result;
  return `rejected with ${error instanceof Error ? `\`${error.name}: ${error.message}\`` : show(error)}`;
}

/**
 * Like `within()`, for a promise that must RESOLVE: a rejection fails with "Expected <what>, but
 * it rejected with `Error: …`." plus `hint`, instead of the bare error.
 */
export async function resolvesWithin<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  hint = '',
): Promise<T> {
  const result = await within(settle(promise), ms, what, hint);
  if (!result.ok) throw new Error(`Expected ${what}, but it ${outcome(result)}.${hint ? ` ${hint}` : ''}`);
  return result.value;
}
