// Worker entry of tests/helpers/workers.ts `runInWorker()`: started by the test helpers (never by
// the student's code) with tsx, it calls `exportName(...args)` from `file` and posts back
// `{ ok: true, value }` or `{ ok: false, message, stack }`, then lets the thread exit.
import { parentPort, workerData } from 'node:worker_threads';

const { file, exportName, args } = workerData as { file: string; exportName: string; args: unknown[] };

(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fixture = require(file) as Record<string, (...a: unknown[]) => unknown>;
  // A fixture's `checkExports()` throws when the exercise lacks an export its tasks use.
  fixture.checkExports?.();
  return fixture[exportName](...args);
})().then(
  (value) => parentPort!.postMessage({ ok: true, value }),
  (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    parentPort!.postMessage({ ok: false, message: e.message, stack: e.stack, name: e.name });
  },
);
