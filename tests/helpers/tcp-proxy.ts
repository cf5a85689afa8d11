// A TCP proxy for tests: it listens on 127.0.0.1 (port 0), forwards every connection to a target
// and re-chunks the byte stream in either direction, so a test can prove that code under test
// copes with TCP's lack of message boundaries: 1-byte writes, seeded random splits, or splits
// inside every multi-byte UTF-8 character.
//
// With `pace` (the default) the proxy lets the event loop poll once after each piece it writes, so
// a receiver in this process reads every piece as its own 'data' chunk: the split is not merely
// likely, it is what the receiver sees. Half-closes are forwarded (a client's `end()` reaches the
// target after the bytes before it), and so are resets. Closed through `onCleanup`.
import { once } from 'node:events';
import * as net from 'node:net';
import { onCleanup } from './handles';

/**
 * How one direction of the stream is cut into writes:
 * - `'whole'`: forwarded as read;
 * - `'bytes'`: one byte a write;
 * - `'utf8'`: cut inside every multi-byte UTF-8 character (between each of its bytes), elsewhere
 *   forwarded as read;
 * - `{ seed, maxChunk }`: random lengths from 1 to `maxChunk` (default 16), the same for a seed.
 */
export type Split = 'whole' | 'bytes' | 'utf8' | { seed: number; maxChunk?: number };

export interface ProxyOptions {
  /** Client → target (default `'whole'`). */
  toTarget?: Split;
  /** Target → client (default `'whole'`). */
  toClient?: Split;
  /** Let the receiver read each piece on its own before the next is written (default true). */
  pace?: boolean;
}

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Stops listening and destroys every connection; idempotent. */
  close(): Promise<void>;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same splits on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a function that cuts each chunk of one direction into the pieces to write. */
export function splitter(split: Split): (chunk: Buffer) => Buffer[] {
  if (split === 'whole') return (chunk) => [chunk];
  if (split === 'bytes')
    return (chunk) => Array.from({ length: chunk.length }, (_, i) => chunk.subarray(i, i + 1));
  if (split === 'utf8') {
    return (chunk) => {
      const pieces: Buffer[] = [];
      let start = 0;
      for (let i = 0; i + 1 < chunk.length; i++) {
        // Cut between i and i+1 when byte i+1 continues a character (10xxxxxx): that is inside it.
        if ((chunk[i + 1] & 0xc0) === 0x80) {
          pieces.push(chunk.subarray(start, i + 1));
          start = i + 1;
        }
      }
      pieces.push(chunk.subarray(start));
      return pieces;
    };
  }
  const random = seededRandom(split.seed);
  const max = Math.max(1, split.maxChunk ?? 16);
  return (chunk) => {
    const pieces: Buffer[] = [];
    for (let i = 0; i < chunk.length;) {
      const n = 1 + Math.floor(random() * max);
      pieces.push(chunk.subarray(i, i + n));
      i += n;
    }
    return pieces;
  };
}

/**
 * One turn of the event loop with a poll phase in it: data written before it has been read by
 * any socket of this process that was waiting for it (loopback delivers within the write call).
 * Two immediates, because one scheduled from the poll phase runs before the next poll.
 */
export const pollTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Resolves when `socket` can take more data, or is gone. */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * Copies `from` into `to`, cut by `cut`, one chunk at a time (`from` is paused meanwhile), and
 * forwards the end (half-close) after the last piece: 'end' cannot fire while `from` is paused.
 */
function pump(from: net.Socket, to: net.Socket, cut: (chunk: Buffer) => Buffer[], pace: boolean): void {
  from.on('data', async (chunk: Buffer) => {
    from.pause();
    for (const piece of cut(chunk)) {
      if (to.destroyed) return;
      if (!to.write(piece)) await drained(to);
      if (pace) await pollTurn();
    }
    if (!from.destroyed) from.resume();
  });
  from.on('end', () => {
    if (!to.destroyed) to.end();
  });
}

/** Starts a proxy to `target` (host defaults to 127.0.0.1); closed after the test. */
export async function startTcpProxy(
  target: { host?: string; port: number },
  options: ProxyOptions = {},
): Promise<TcpProxy> {
  const { toTarget = 'whole', toClient = 'whole', pace = true } = options;
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    connections++;
    track(client);
    const upstream = net.connect({
      host: target.host ?? '127.0.0.1',
      port: target.port,
      allowHalfOpen: true,
    });
    track(upstream);
    // A reset or error on one side resets the other, as a real peer would see it.
    const fail = (other: net.Socket) => () => {
      if (!other.destroyed) {
        if (other.connecting || other.pending) other.destroy();
        else other.resetAndDestroy();
      }
    };
    client.on('error', fail(upstream));
    upstream.on('error', fail(client));
    upstream.once('connect', () => {
      pump(client, upstream, splitter(toTarget), pace);
      pump(upstream, client, splitter(toClient), pace);
      client.resume();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  let closing: Promise<void> | undefined;
  const proxy: TcpProxy = {
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return connections;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
  onCleanup(() => proxy.close());
  return proxy;
}
