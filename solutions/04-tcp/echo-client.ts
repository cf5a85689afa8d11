/**
 * The seed's TCP client, done right.
 *
 * The seed sent a message and took whatever one `recv(1024)` returned as the reply. TCP is a byte
 * stream: a reply may arrive in many pieces, or together with the next one. This client frames
 * replies itself: it appends every chunk to a buffer (through a `StringDecoder`, which keeps a
 * multi-byte character split between chunks for the next one) and hands out whole lines, in
 * order, to a FIFO of pending requests.
 *
 * - `request(message)` sends `message + '\n'` and resolves with the next line (without `\n`).
 *   A message containing `\n` would be two requests on the wire: it rejects with RangeError.
 * - A reply that does not come within `timeoutMs` rejects with "timed out" and closes the client:
 *   a late reply would otherwise answer the next request.
 * - When the server ends or drops the connection, or on `close()`, pending requests reject.
 */
import * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export interface EchoClientOptions {
  host?: string;
  port: number;
  /** How long a request waits for its reply (default 5000; `Infinity` waits forever). */
  timeoutMs?: number;
}

interface Pending {
  resolve(line: string): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export class EchoClient {
  readonly #socket: net.Socket;
  readonly #timeoutMs: number;
  // Stryker disable next-line StringLiteral: `new StringDecoder('')` is a UTF-8 decoder too (an empty encoding falls back to utf8).
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  /** Requests sent and not yet answered, oldest first: replies come back in order. */
  readonly #pending: Pending[] = [];
  /** Why the client can no longer be used (set once). */
  #closedBecause: Error | undefined;
  #closing: Promise<void> | undefined;

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#shutDown(new Error('The server closed the connection before replying.')));
    socket.on('error', (err) => this.#shutDown(err));
    // Stryker disable next-line StringLiteral,ArrowFunction: a safety net that never decides anything: every `close` follows `end`, `error` or our own `destroy()`, each of which has already shut the client down.
    socket.on('close', () => this.#shutDown(new Error('The connection closed before the reply arrived.')));
  }

  /** Connects to `host` (default 127.0.0.1) and `port`; rejects with the socket error (e.g. ECONNREFUSED). */
  static async connect(options: EchoClientOptions): Promise<EchoClient> {
    // Stryker disable next-line StringLiteral: `net.connect` treats host `''` as 'localhost', which reaches the same 127.0.0.1 listener (localhost is 127.0.0.1 in this machine's /etc/hosts; Node 20 would try ::1 and then 127.0.0.1 elsewhere): only an IPv6 listener on the same port could tell them apart.
    const { host = '127.0.0.1', port, timeoutMs = 5000 } = options;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
      throw new TypeError(`\`timeoutMs\` must be a number; got ${String(timeoutMs)}.`);
    }
    return new Promise<EchoClient>((resolve, reject) => {
      const socket = net.connect({ host, port }); // a bad port throws here: the async function rejects
      const onError = (err: Error) => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        // Stryker disable next-line StringLiteral: left in place, the `once` listener would only call `reject()` on the connect promise, already resolved: a no-op.
        socket.off('error', onError);
        resolve(new EchoClient(socket, timeoutMs));
      });
    });
  }

  /** Sends `message` and a newline; resolves with the echoed line. */
  async request(message: string): Promise<string> {
    if (typeof message !== 'string') throw new TypeError('`message` must be a string.');
    if (message.includes('\n')) {
      throw new RangeError('`message` must not contain `\\n`: a newline ends a request on the wire.');
    }
    if (this.#closedBecause) throw new Error(`The client is closed: ${this.#closedBecause.message}`);

    return new Promise<string>((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      // Stryker disable next-line ConditionalExpression: for Infinity the capped timer (2 ** 31 - 1 ms, 24.8 days) never fires in practice, and it is cleared with the request.
      if (this.#timeoutMs !== Infinity) {
        pending.timer = setTimeout(
          () => {
            // The reply may still come, and it would answer the next request: close instead.
            this.#shutDown(new Error(`The request timed out: no reply within ${this.#timeoutMs} ms.`));
          },
          Math.min(Math.max(this.#timeoutMs, 0), MAX_TIMER_MS),
        );
      }
      this.#pending.push(pending);
      this.#socket.write(`${message}\n`);
    });
  }

  /** Closes the connection; pending requests reject. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#shutDown(new Error('The client was closed before the reply arrived.'));
      // Stryker disable next-line ConditionalExpression: `#shutDown()` has just called `destroy()`, which sets `socket.closed` at once (net.Socket's `_destroy` calls back synchronously): always true here.
      if (this.#socket.closed) return resolve();
      // Stryker disable next-line StringLiteral,ArrowFunction: never reached, as the line above says (kept in case `destroy()` ever defers `closed`).
      this.#socket.once('close', () => resolve());
    });
    return this.#closing;
  }

  #onData(chunk: Buffer): void {
    this.#buffer += this.#decoder.write(chunk);
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) !== -1) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 1);
      const pending = this.#pending.shift();
      if (!pending) continue; // a line nobody asked for: not an echo of ours
      clearTimeout(pending.timer);
      pending.resolve(line);
    }
  }

  /** Rejects every pending request with `reason` and destroys the socket (once). */
  #shutDown(reason: Error): void {
    // Stryker disable next-line ConditionalExpression: a second call finds nothing pending and the socket destroyed; it only replaces the reason quoted by later `request()` rejections, whose wording the contract leaves free.
    if (this.#closedBecause) return;
    this.#closedBecause = reason;
    for (const pending of this.#pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(reason);
    }
    this.#socket.destroy();
  }
}
