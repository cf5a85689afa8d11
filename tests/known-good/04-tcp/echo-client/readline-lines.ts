/** Known good: frames replies with `readline` over the socket (its `line` events; the tests never send `\r`), connects with a `connect` callback and an `error` listener, keeps one timer per request, and rejects the waiting requests from readline's `close` and the socket's `error`; validates `timeoutMs` exactly as stated. */
import * as net from 'node:net';
import * as readline from 'node:readline';

export interface EchoClientOptions {
  host?: string;
  port: number;
  timeoutMs?: number;
}

type Waiter = { ok: (line: string) => void; fail: (e: Error) => void; timer?: NodeJS.Timeout };

export class EchoClient {
  private readonly waiting: Waiter[] = [];
  private failure: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    const lines = readline.createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const w = this.waiting.shift();
      if (w) {
        clearTimeout(w.timer);
        w.ok(line);
      }
    });
    // readline closes when the socket ends (the server's FIN), before the socket itself closes.
    lines.on('close', () => this.fail(new Error('connection ended by the server')));
    // readline re-emits its input's errors (a reset: ECONNRESET) as its own.
    lines.on('error', (e) => this.fail(e));
    socket.on('error', (e) => this.fail(e));
  }

  static connect(options: EchoClientOptions): Promise<EchoClient> {
    const timeoutMs = options.timeoutMs === undefined ? 5000 : options.timeoutMs;
    if (typeof timeoutMs !== 'number') return Promise.reject(new TypeError('timeoutMs must be a number'));
    if (timeoutMs !== timeoutMs) return Promise.reject(new RangeError('timeoutMs must not be NaN'));
    return new Promise((resolve, reject) => {
      const socket = net.connect(options.port, options.host ?? '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new EchoClient(socket, timeoutMs));
      });
      socket.on('error', reject);
    });
  }

  request(message: string): Promise<string> {
    if (message.indexOf('\n') >= 0)
      return Promise.reject(new RangeError('a message cannot contain a newline'));
    if (this.failure) return Promise.reject(new Error(`closed (${this.failure.message})`));
    return new Promise((ok, fail) => {
      const w: Waiter = { ok, fail };
      if (this.timeoutMs < Infinity) {
        w.timer = setTimeout(
          () => this.fail(new Error('request timed out')),
          Math.min(this.timeoutMs, 0x7fffffff),
        );
      }
      this.waiting.push(w);
      this.socket.write(Buffer.from(message + '\n', 'utf8'));
    });
  }

  close(): Promise<void> {
    this.fail(new Error('client closed'));
    return Promise.resolve();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const w of this.waiting.splice(0, this.waiting.length)) {
      clearTimeout(w.timer);
      w.fail(error);
    }
    this.socket.destroy();
  }
}
