// Worker entry of tests/helpers/workers.ts `runInWorker()`: started by the test helpers (never by
// the student's code) with tsx, it calls `exportName(...args)` from `file` and posts back
// `{ ok: true, value }` or `{ ok: false, message, stack }`, then lets the thread exit.
//
// The student's module loads in this thread, after this file: it could post a result of its own
// (`parentPort.postMessage({ ok: true, value })` at import, for a test it never ran) or patch what
// this file uses later. So everything this file posts carries a nonce that only the test knows
// (taken from workerData and deleted from it before anything else loads), and the functions it
// posts with are captured first. runInWorker ignores every message without the nonce.
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../fixtures/bounded';

const data = workerData as { file: string; exportName: string; args: unknown[]; nonce?: string };
const { file, exportName, args, nonce } = data;
delete data.nonce;
const post = parentPort!.postMessage.bind(parentPort!);
const then = Promise.prototype.then;
const send = (message: object) => post({ ...message, nonce });
connect(send);

async function run(): Promise<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fixture = require(file) as Record<string, (...a: unknown[]) => unknown>;
  // A fixture's `checkExports()` throws when the exercise lacks an export its tasks use.
  fixture.checkExports?.();
  return fixture[exportName](...args);
}

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const objectPrototype = Object.prototype;

then.call(
  run(),
  (value) => {
    // A `then` on Object.prototype makes every object a "promise" whose value the student's code
    // chooses (`await`, `return` from an async function): no result counts then.
    if (getOwnPropertyDescriptor(objectPrototype, 'then') !== undefined)
      send({
        ok: false,
        name: 'Error',
        message: 'The exercise module defined Object.prototype.then: no result of this worker counts.',
      });
    else send({ ok: true, value });
  },
  (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    send({ ok: false, message: e.message, stack: e.stack, name: e.name });
  },
);
