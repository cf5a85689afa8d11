// Plain TCP ends for tests, independent of any student code: a raw client socket that reads exactly
// N bytes or up to a newline with a bounded wait, a small server for fakes, a free port. Every
// socket and server is closed through `onCleanup`. A wait that runs out names what never arrived
// and shows what did.
import { once } from 'node:events';
import * as net from 'node:net';
import getPort from 'get-port';
import { show } from './assert';
import { onCleanup } from './handles';

/** Closes a socket and waits for its 'close' event. */
export async function destroySocket(socket: net.Socket): Promise<void> {
  if (socket.closed) return;
  const closed = once(socket, 'close').catch(() => undefined);
  socket.destroy();
  await closed;
}

/** A short, readable preview of bytes: text when it is printable UTF-8, hex otherwise. */
export function preview(bytes: Buffer, max = 60): string {
  const head = bytes.subarray(0, max);
  const text = head.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(head) && !/\p{Cc}/u.test(text.replace(/[\t\n]/g, ''));
  const shown = isText ? show(text) : `<${head.toString('hex')}>`;
  return `${shown}${bytes.length > max ? ` … (${bytes.length} bytes)` : ''}`;
}

export interface RawClient {
  readonly socket: net.Socket;
  /** Bytes received and not yet taken by a read. */
  readonly buffered: Buffer;
  /** True once the peer ended its side ('end' seen). */
  readonly ended: boolean;
  write(data: string | Buffer): void;
  /** Takes exactly `n` bytes, waiting at most `timeoutMs` (default 2000); `what` names them. */
  readBytes(n: number, what: string, timeoutMs?: number): Promise<Buffer>;
  /**
   * Takes `expected.length` bytes as they arrive, comparing them with `expected` (one buffer or
   * pieces in order) without keeping them: for large transfers. Resolves with `undefined` when
   * every byte matched, or with the first difference (offset and the bytes from there on).
   */
  expectBytes(
    expected: Buffer | readonly Buffer[],
    what: string,
    timeoutMs?: number,
  ): Promise<{ offset: number; expected: Buffer; got: Buffer } | undefined>;
  /** Takes bytes up to and including the next `\n`; resolves with the line decoded, without `\n`. */
  readLine(what: string, timeoutMs?: number): Promise<string>;
  /** Waits until the peer has ended its side (or the connection closed). */
  waitForEnd(what: string, timeoutMs?: number): Promise<void>;
}

/**
 * Connects a plain socket to `port` (host 127.0.0.1) and collects what arrives. Rejects with the
 * socket error (its `code` kept) if the connection fails, or after `timeoutMs` (default 2000).
 */
export async function connectRaw(
  port: number,
  options: { host?: string; timeoutMs?: number; allowHalfOpen?: boolean } = {},
): Promise<RawClient> {
  const { host = '127.0.0.1', timeoutMs = 2000, allowHalfOpen = false } = options;
  const socket = net.connect({ host, port, allowHalfOpen });
  onCleanup(() => destroySocket(socket));

  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  let closed = false;
  let failure: Error | undefined;
  const watchers = new Set<() => void>();
  const poke = () => watchers.forEach((w) => w());
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
    poke();
  });
  socket.on('end', () => {
    ended = true;
    poke();
  });
  socket.on('error', (err) => {
    failure = err;
    poke();
  });
  socket.on('close', () => {
    closed = true;
    poke();
  });

  const buffered = (): Buffer => {
    if (chunks.length > 1) chunks.splice(0, chunks.length, Buffer.concat(chunks, length));
    return chunks[0] ?? Buffer.alloc(0);
  };
  const take = (n: number): Buffer => {
    const all = buffered();
    chunks.splice(0, chunks.length, ...(n < all.length ? [all.subarray(n)] : []));
    length -= n;
    return all.subarray(0, n);
  };

  /** Waits until `ready()` returns a value; `state()` describes what is missing on failure. */
  function waitFor<T>(ready: () => T | undefined, what: string, ms: number, state: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (fn: () => void) => {
        watchers.delete(check);
        clearTimeout(timer);
        fn();
      };
      const check = () => {
        const value = ready();
        if (value !== undefined) return finish(() => resolve(value));
        if (failure)
          return finish(() =>
            reject(
              new Error(`The connection failed (${failure!.message}) while waiting for ${what}; ${state()}.`),
            ),
          );
        if (ended || closed)
          return finish(() =>
            reject(
              new Error(
                `The connection was ${ended ? 'ended by the peer' : 'closed'} while waiting for ${what}; ${state()}.`,
              ),
            ),
          );
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}; ${state()}.`))),
        ms,
      );
      watchers.add(check);
      check();
    });
  }

  const client: RawClient = {
    socket,
    get buffered() {
      return buffered();
    },
    get ended() {
      return ended;
    },
    write(data) {
      socket.write(data);
    },
    readBytes(n, what, ms = 2000) {
      return waitFor(
        () => (length >= n ? take(n) : undefined),
        what,
        ms,
        () => `got ${length} of ${n} bytes${length ? `: ${preview(buffered())}` : ''}`,
      );
    },
    expectBytes(expected, what, ms = 2000) {
      const pieces = Buffer.isBuffer(expected) ? [expected] : expected;
      const total = pieces.reduce((sum, b) => sum + b.length, 0);
      let matched = 0; // bytes compared and equal so far
      let piece = 0; // the expected piece, and the offset in it, that comes next
      let at = 0;
      type Result = { offset: number; expected: Buffer; got: Buffer } | undefined;
      const done = Symbol('done');
      return waitFor<Result | typeof done>(
        () => {
          while (chunks.length > 0 && matched < total) {
            const chunk = chunks[0];
            const want = pieces[piece];
            const n = Math.min(chunk.length, want.length - at, total - matched);
            if (!chunk.subarray(0, n).equals(want.subarray(at, at + n))) {
              let i = 0;
              while (chunk[i] === want[at + i]) i++;
              const rest = Buffer.concat([
                want.subarray(at + i, at + i + 16),
                ...pieces.slice(piece + 1, piece + 2),
              ]);
              return { offset: matched + i, expected: rest.subarray(0, 16), got: chunk.subarray(i, i + 16) };
            }
            matched += n;
            length -= n;
            at += n;
            if (at === want.length) {
              piece++;
              at = 0;
            }
            if (n === chunk.length) chunks.shift();
            else chunks[0] = chunk.subarray(n);
          }
          return matched === total ? done : undefined;
        },
        what,
        ms,
        () => `got ${matched} of ${total} bytes (all as expected so far)`,
      ).then((result) => (result === done ? undefined : result));
    },
    readLine(what, ms = 2000) {
      return waitFor(
        () => {
          const at = buffered().indexOf(0x0a);
          return at === -1 ? undefined : take(at + 1).toString('utf8', 0, at);
        },
        what,
        ms,
        () => (length ? `got ${preview(buffered())} and no \`\\n\`` : 'got nothing'),
      );
    },
    waitForEnd(what, ms = 2000) {
      return waitFor(
        () => (ended || closed ? true : undefined),
        what,
        ms,
        () => `the connection is still open${length ? `; unread: ${preview(buffered())}` : ''}`,
      ).then(() => undefined);
    },
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Timed out after ${timeoutMs} ms connecting to ${host}:${port}.`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return client;
}

/** A server started by a test (a fake peer): its port and the sockets it accepted. */
export interface TestServer {
  readonly server: net.Server;
  readonly port: number;
  /** Accepted connections still open. */
  readonly sockets: Set<net.Socket>;
  /** Resolves with the next accepted connection (or one already accepted and not yet taken). */
  nextConnection(what?: string, timeoutMs?: number): Promise<net.Socket>;
  close(): Promise<void>;
}

/**
 * Starts a plain TCP server on 127.0.0.1:0 that calls `onConnection` for each connection (errors on
 * accepted sockets are ignored); it is closed, connections destroyed, after the test.
 */
export async function startTestServer(
  onConnection: (socket: net.Socket) => void = () => {},
  options: net.ServerOpts = {},
): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const accepted: net.Socket[] = [];
  const waiting: ((socket: net.Socket) => void)[] = [];
  const server = net.createServer(options, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else accepted.push(socket);
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  onCleanup(close);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    sockets,
    nextConnection(what = 'a connection to the test server', ms = 2000) {
      const ready = accepted.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise<net.Socket>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(take), 1);
          reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`));
        }, ms);
        const take = (socket: net.Socket) => {
          clearTimeout(timer);
          resolve(socket);
        };
        waiting.push(take);
      });
    },
    close,
  };
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on, for a test that must name a port before
 * anything binds it (a refused connection, a port given to a CLI). get-port also keeps the ports
 * it handed out recently off its list, so two tests running at once do not get the same one.
 */
export async function freePort(): Promise<number> {
  return getPort({ host: '127.0.0.1' });
}

/**
 * Tries to connect to `host:port`; resolves true if a connection was made within `timeoutMs`,
 * false if it was refused, failed or did not complete (the attempt is then abandoned).
 */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      socket.once('close', () => resolve(ok));
      socket.destroy();
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.on('error', () => finish(false));
  });
}
