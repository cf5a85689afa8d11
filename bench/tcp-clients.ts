// Worker for the `tcp-echo` benchmark, started once by bench/run.ts. For each job message it
// opens `clients` connections to 127.0.0.1:`port` at once, each sends `bytes` bytes and ends,
// reads the whole echo until the server ends, and checks its length. It posts back
// `{ ms }` (from the first connect to the last echo) or `{ error }`.
import * as net from 'node:net';
import { parentPort } from 'node:worker_threads';

export interface TcpJob {
  port: number;
  clients: number;
  bytes: number;
}

export type TcpResult = { ms: number } | { error: string };

function oneClient(port: number, payload: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let received = 0;
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.end(payload));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      if (received === payload.length) resolve();
      else reject(new Error(`echo of ${received} bytes, expected ${payload.length}`));
    });
  });
}

parentPort!.on('message', (job: TcpJob) => {
  const payload = Buffer.alloc(job.bytes, 'kata ');
  const started = performance.now();
  Promise.all(Array.from({ length: job.clients }, () => oneClient(job.port, payload))).then(
    () => parentPort!.postMessage({ ms: performance.now() - started } satisfies TcpResult),
    (error: Error) => parentPort!.postMessage({ error: error.message } satisfies TcpResult),
  );
});
