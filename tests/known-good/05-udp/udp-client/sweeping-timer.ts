/** Known good: one timer for the whole client, armed at the earliest deadline and re-armed after each sweep, and a Map from "address port bytes" to the requests waiting for that echo (the solution has one timer per request and scans a Set); every host, even an address, goes through `dns.lookup()`. */
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';

export interface UdpClientOptions {
  host?: string;
  port?: number;
}

export interface UdpServerAddress {
  host?: string;
  port: number;
}

export interface UdpRequestOptions {
  timeoutMs?: number;
  retries?: number;
}

interface Waiter {
  key: string;
  bytes: Buffer;
  address: string;
  port: number;
  timeoutMs: number;
  left: number; // resends left
  attempts: number;
  deadline: number; // Infinity: none
  resolve(text: string): void;
  reject(err: Error): void;
}

const keyOf = (address: string, port: number, bytes: Buffer) =>
  `${address} ${port} ${bytes.toString('base64')}`;

export class UdpClient {
  private readonly waiters = new Map<string, Waiter[]>();
  private sweeper: NodeJS.Timeout | null = null;
  private done: Promise<void> | null = null;

  private constructor(
    private readonly socket: dgram.Socket,
    public readonly port: number,
  ) {
    socket.on('message', (msg, rinfo) => {
      const list = this.waiters.get(keyOf(rinfo.address, rinfo.port, msg));
      if (list?.length) this.settle(list[0], null, msg.toString('utf8'));
    });
    socket.on('error', (err) => {
      for (const w of this.all()) this.settle(w, err);
    });
  }

  static async open({ host = '127.0.0.1', port = 0 }: UdpClientOptions = {}): Promise<UdpClient> {
    if (!Number.isInteger(port) || port < 0 || port >= 65536) {
      throw new RangeError(`Invalid port: ${port}`);
    }
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.once('listening', () => {
        socket.off('error', onError);
        resolve();
      });
      socket.bind({ port, address: host });
    });
    return new UdpClient(socket, socket.address().port);
  }

  async request(message: string, server: UdpServerAddress, options: UdpRequestOptions = {}): Promise<string> {
    if (typeof message !== 'string') throw new TypeError('message: expected a string');
    if (typeof server !== 'object' || server === null)
      throw new TypeError('server: expected { host?, port }');
    if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
      throw new RangeError(`server.port: expected 1..65535, got ${server.port}`);
    }
    const timeoutMs = options.timeoutMs === undefined ? 500 : options.timeoutMs;
    const retries = options.retries === undefined ? 3 : options.retries;
    if (typeof timeoutMs !== 'number') throw new TypeError('timeoutMs: expected a number');
    if (!(timeoutMs > 0)) throw new RangeError('timeoutMs: expected > 0');
    if (!Number.isInteger(retries) || retries < 0) throw new RangeError('retries: expected an integer >= 0');
    const { address } = await dns.promises.lookup(server.host ?? '127.0.0.1', { family: 4 });
    if (this.done) throw new Error('request on a closed client');
    const bytes = Buffer.from(message, 'utf8');
    return new Promise<string>((resolve, reject) => {
      const key = keyOf(address, server.port, bytes);
      const w: Waiter = {
        key,
        bytes,
        address,
        port: server.port,
        timeoutMs,
        left: retries,
        attempts: 1 + retries,
        deadline: Infinity,
        resolve,
        reject,
      };
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), w]);
      this.send(w);
    });
  }

  private all(): Waiter[] {
    return [...this.waiters.values()].flat();
  }

  private send(w: Waiter): void {
    w.deadline = performance.now() + w.timeoutMs; // Infinity stays Infinity: never swept
    this.socket.send(w.bytes, w.port, w.address, (err) => {
      if (err) this.settle(w, err);
    });
    this.arm();
  }

  private settle(w: Waiter, err: Error | null, text = ''): void {
    const list = this.waiters.get(w.key);
    const i = list ? list.indexOf(w) : -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.waiters.delete(w.key);
    if (err) w.reject(err);
    else w.resolve(text);
    this.arm();
  }

  /** One timer, at the earliest deadline (none when nothing can time out). */
  private arm(): void {
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweeper = null;
    const next = Math.min(...this.all().map((w) => w.deadline));
    if (next === Infinity) return;
    this.sweeper = setTimeout(() => this.sweep(), Math.max(0, Math.ceil(next - performance.now())));
  }

  private sweep(): void {
    this.sweeper = null;
    const now = performance.now();
    for (const w of this.all()) {
      if (w.deadline > now) continue;
      if (w.left > 0) {
        w.left--;
        this.send(w);
      } else {
        this.settle(w, new Error(`no answer from ${w.address}:${w.port} after ${w.attempts} attempt(s)`));
      }
    }
    this.arm();
  }

  close(): Promise<void> {
    if (!this.done) {
      const err = new Error('client closed');
      for (const w of this.all()) this.settle(w, err);
      if (this.sweeper) clearTimeout(this.sweeper);
      this.done = new Promise<void>((resolve) => this.socket.close(resolve));
    }
    return this.done;
  }
}
