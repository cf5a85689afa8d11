/**
 * Known bug: `connect()` resolves on `connect` but never listens for `error`: a refused
 * connection is thrown as an uncaught exception and the promise never settles.
 * @catches rejects with code ECONNREFUSED when nothing listens
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
    socket.on('close', () => this.#shutDown(new Error('The connection closed before the reply arrived.')));
  }

  /** Connects to `host` (default 127.0.0.1) and `port`; rejects with the socket error (e.g. ECONNREFUSED). */
  static async connect(options: EchoClientOptions): Promise<EchoClient> {
    const { host = '127.0.0.1', port, timeoutMs = 5000 } = options;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
      throw new TypeError(`\`timeoutMs\` must be a number; got ${String(timeoutMs)}.`);
    }
    // BUG: no 'error' listener while connecting.
    return new Promise<EchoClient>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => resolve(new EchoClient(socket, timeoutMs)));
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
      if (this.#socket.closed) resolve();
      else this.#socket.once('close', () => resolve());
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
    if (this.#closedBecause) return;
    this.#closedBecause = reason;
    for (const pending of this.#pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(reason);
    }
    this.#socket.destroy();
  }
}
