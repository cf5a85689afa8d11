/** Known good: keeps the reply bytes in a Buffer and cuts lines at `indexOf(0x0a)`, decoding each whole line at once (no StringDecoder: a line ends on a byte boundary); one timer for the oldest request only, re-armed from each request's own deadline; `close()` resolves on the socket's `close` event. */
import * as net from 'node:net';

export interface EchoClientOptions {
  host?: string;
  port: number;
  timeoutMs?: number;
}

interface Request {
  deadline: number;
  resolve(line: string): void;
  reject(error: Error): void;
}

export class EchoClient {
  #socket: net.Socket;
  #timeoutMs: number;
  #bytes = Buffer.alloc(0);
  #queue: Request[] = [];
  #timer: NodeJS.Timeout | undefined;
  #dead: Error | undefined;
  #closed: Promise<void>;

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      this.#bytes = Buffer.concat([this.#bytes, chunk]);
      for (let at = this.#bytes.indexOf(0x0a); at >= 0; at = this.#bytes.indexOf(0x0a)) {
        const line = this.#bytes.toString('utf8', 0, at);
        this.#bytes = this.#bytes.subarray(at + 1);
        const head = this.#queue.shift();
        head?.resolve(line);
        this.#arm();
      }
    });
    socket.on('end', () => this.#die(new Error('the server hung up')));
    socket.on('error', (error) => this.#die(error));
    socket.on('close', () => this.#die(new Error('connection closed')));
  }

  static async connect(options: EchoClientOptions): Promise<EchoClient> {
    const timeoutMs = options.timeoutMs ?? 5000;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
      throw new RangeError(`bad timeoutMs: ${String(timeoutMs)}`);
    }
    const socket = net.createConnection({ host: options.host || '127.0.0.1', port: options.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve();
      });
    });
    return new EchoClient(socket, timeoutMs);
  }

  async request(message: string): Promise<string> {
    if (/\n/.test(message)) throw new RangeError('newline in message');
    if (this.#dead) throw this.#dead;
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ deadline: Date.now() + this.#timeoutMs, resolve, reject });
      if (this.#queue.length === 1) this.#arm();
      this.#socket.write(message + '\n');
    });
  }

  close(): Promise<void> {
    this.#die(new Error('closed by the caller'));
    return this.#closed;
  }

  /** One timer, for the oldest request still waiting. */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const head = this.#queue[0];
    if (!head || head.deadline === Infinity) return;
    const wait = Math.max(0, head.deadline - Date.now());
    if (wait > 0x7fffffff) return; // beyond the timer's range: weeks away, never in practice
    this.#timer = setTimeout(() => this.#die(new Error('timed out waiting for the reply')), wait);
  }

  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = error;
    clearTimeout(this.#timer);
    for (const request of this.#queue.splice(0)) request.reject(error);
    this.#socket.destroy();
  }
}
