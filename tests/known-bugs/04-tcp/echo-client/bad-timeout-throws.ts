/**
 * Known bug: a bad `timeoutMs` is thrown synchronously from `connect()`, which returns a promise:
 * a caller that only handles the rejection (`connect(…).catch(…)`) never sees it.
 * @catches refuses a bad `timeoutMs` by rejecting with a TypeError or RangeError
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export interface EchoClientOptions {
  host?: string;
  port: number;
  /** How long a request waits for its reply, in ms (default 5000; `Infinity`: no limit). */
  timeoutMs?: number;
}

interface Pending {
  resolve(line: string): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The longest delay `setTimeout` honours (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class EchoClient {
  readonly #socket: net.Socket;
  readonly #timeoutMs: number;
  readonly #decoder = new StringDecoder(); // UTF-8
  #buffer = '';
  /** Requests sent and not yet answered, oldest first: replies come back in order. */
  readonly #pending: Pending[] = [];
  #closed = false;

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.#socket = socket;
    // Infinity (or anything past the limit) waits for the longest timer there is: 24.8 days.
    this.#timeoutMs = Math.min(timeoutMs, MAX_TIMER_MS);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    // `end` comes even while our own writes are still queued, when `close` would not (yet).
    socket.on('end', () => this.#shutDown(new Error('The server closed the connection before replying.')));
    socket.on('error', (err) => this.#shutDown(err)); // ECONNRESET …, `code` kept
  }

  /** Connects to `host` (default 127.0.0.1) and `port`; rejects with the socket error (e.g. ECONNREFUSED). */
  static connect(options: EchoClientOptions): Promise<EchoClient> {
    const { timeoutMs = 5000 } = options;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
      // BUG: thrown at the caller instead of returned as a rejected promise
      throw new TypeError(`\`timeoutMs\` must be a number; got ${String(timeoutMs)}.`);
    }
    return EchoClient.#open(options, timeoutMs);
  }

  static async #open(options: EchoClientOptions, timeoutMs: number): Promise<EchoClient> {
    const { host = '127.0.0.1', port } = options;
    const socket = net.connect({ host, port }); // a bad port throws here: the async function rejects
    await once(socket, 'connect'); // rejects with the socket's `error` (ECONNREFUSED …)
    return new EchoClient(socket, timeoutMs);
  }

  /** Sends `message` and a newline; resolves with the echoed line. */
  async request(message: string): Promise<string> {
    if (message.includes('\n')) {
      throw new RangeError('`message` must not contain `\\n`: a newline ends a request on the wire.');
    }
    if (this.#closed) throw new Error('The client is closed.');
    return new Promise<string>((resolve, reject) => {
      // The reply may still come after the timeout, and it would answer the next request: close.
      const timer = setTimeout(
        () => this.#shutDown(new Error(`The request timed out: no reply within ${this.#timeoutMs} ms.`)),
        this.#timeoutMs,
      );
      this.#pending.push({ resolve, reject, timer });
      this.#socket.write(`${message}\n`);
    });
  }

  /** Closes the connection; pending requests reject. Idempotent. */
  async close(): Promise<void> {
    this.#shutDown(new Error('The client was closed before the reply arrived.'));
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

  /** Rejects every pending request with `reason` and destroys the socket; harmless when repeated. */
  #shutDown(reason: Error): void {
    this.#closed = true;
    for (const pending of this.#pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(reason);
    }
    this.#socket.destroy();
  }
}
