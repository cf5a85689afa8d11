// Assertions whose failure text is written for a student: what was expected, what came back,
// and what usually causes it. (jest's `expect` has no custom message argument.)
import { inspect, types } from 'node:util';
// The pattern npm test's failure view recognises a missing export by (both compilers' forms).
import { missingExport } from '../../tools/student/failure.js';

/** A value as a student would read it in a message: `42`, `'hi'`, `undefined`. */
export function show(value: unknown): string {
  return `\`${inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 200 })}\``;
}

/** Throws `message` unless `condition` holds. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'function' ? message() : message);
}

/**
 * Waits for `promise` at most `ms`; otherwise fails with "Timed out after N ms waiting for
 * <what>." plus `hint` (the usual cause). Always clears its timer.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string, hint = ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.${hint ? ` ${hint}` : ''}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Settles a promise into a value: handy to assert on a rejection's message. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: Error & { code?: string } }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: error as Error & { code?: string } };
  }
}

/**
 * Calls `fn` (which should throw synchronously) and returns the error; fails with `expected`
 * if it returned instead.
 */
export function thrown(fn: () => unknown, expected: string): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error(expected);
}

/**
 * Polls `condition` (every few ms, on the event loop) until it holds; fails after `ms` with
 * "Timed out after N ms waiting for <what>." plus `hint`. For state in shared memory, which
 * has no event to wait on from jest's thread. `signal` ends the poll early (it then resolves):
 * see `raceWith`.
 */
export async function waitUntil(
  condition: () => boolean,
  ms: number,
  what: string,
  hint = '',
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!signal?.aborted && !condition()) {
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${ms} ms waiting for ${what}.${hint ? ` ${hint}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Runs `poll` (a waitUntil or waitShowing given `signal`) against `failFast`: promises that can
 * only fail the wait early (a worker that threw, or finished before it reached the state polled
 * for). Whichever settles first decides, and the poll is stopped at once: a poll left running
 * after a worker failed would keep a timer alive past the test, which the leak check waits for
 * (a second) and then reports as a leak of the student's.
 */
export async function raceWith(
  poll: (signal: AbortSignal) => Promise<void>,
  failFast: Promise<unknown>[],
): Promise<void> {
  const stop = new AbortController();
  const polling = poll(stop.signal);
  try {
    await Promise.race([polling, ...failFast]);
  } finally {
    stop.abort();
    await polling.catch(() => undefined);
  }
}

/**
 * Polls `read()` (a counter in shared memory) until `signal` aborts; fails with `what()` once the
 * counter has not moved for `ms`. Given to `raceWith` beside the workers that move it: a hammer
 * whose every worker is stuck (a loop that never ends, a wait nothing wakes) fails after `ms` of
 * no progress instead of at its whole time budget.
 */
export async function noProgress(
  read: () => number,
  ms: number,
  signal: AbortSignal,
  what: () => string,
): Promise<void> {
  let last = read();
  let since = Date.now();
  while (!signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= ms) throw new Error(what());
  }
}

/**
 * True for anything that is an Error in any realm: an Error made in a worker and cloned across
 * threads, or one thrown by Node's internals, is not `instanceof` the test realm's `Error`.
 */
export function isErrorLike(value: unknown): value is Error & { code?: string } {
  if (types.isNativeError(value)) return true;
  const v = value as { name?: unknown; message?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.message === 'string';
}

/**
 * A bad argument must be refused with the error type its clause states (TypeError or
 * RangeError, checked by name so that errors from other realms and from Node's own checks, such
 * as `new Int32Array(buffer, 8, 1)`, count). The message's wording is free. `name` is the
 * parameter, for the failure text only. `error` is what `call` threw or rejected with
 * (undefined: it did neither).
 */
export function checkBadArgument(
  error: unknown,
  call: string,
  name: string,
  kind?: 'TypeError' | 'RangeError',
): void {
  const e = error as Error | undefined;
  // `import_thread.Thread is not a constructor`: the call failed before any argument was looked
  // at, since the exercise does not export the name. That TypeError is no refusal.
  const unexported = missingExport(String(e?.message ?? ''));
  check(
    unexported === undefined,
    `Expected ${call} to be refused with ${kind ?? 'a TypeError or RangeError'} (a bad \`${name}\`), but the call itself failed: ${show(e)}. Is \`${unexported}\` exported?`,
  );
  check(
    e !== undefined && (kind ? e.name === kind : e.name === 'TypeError' || e.name === 'RangeError'),
    `Expected ${call} to be refused with ${kind ?? 'a TypeError or RangeError'} (a bad \`${name}\`), ${
      e === undefined ? 'but it was accepted' : `got ${show(e)}`
    }. Check the argument before doing anything with it.`,
  );
}

/**
 * What `fn()` threw or its promise rejected with; undefined when it neither threw nor rejected
 * (whatever it resolved with is closed, if it can be). A promise still pending after `ms` fails
 * the test as a hang.
 */
export async function refusal(fn: () => unknown, ms = 2000): Promise<unknown> {
  let value: unknown;
  try {
    value = fn();
  } catch (error) {
    return error;
  }
  if (!value || typeof (value as Promise<unknown>).then !== 'function') return undefined;
  const r = await within(
    settle(value as Promise<unknown>),
    ms,
    'a call with a bad argument to settle',
    'Check the arguments first and reject at once: `return Promise.reject(new RangeError(…))`.',
  );
  if (r.ok) {
    const closer = (r.value as { close?: () => unknown } | undefined)?.close;
    if (typeof closer === 'function') await closer.call(r.value);
    return undefined;
  }
  return r.error;
}
