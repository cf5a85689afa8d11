/** Known good: serves requests one at a time, `connect()`ing its one socket to each request's server so the kernel drops strangers and dgram looks the name up (the solution filters every `rinfo` itself, looks names up with dns, and serves requests concurrently); server ports are checked by `connect()` (Node's own RangeError). */
import * as dgram from 'node:dgram';

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

interface Active {
  offer(msg: Buffer, rinfo: dgram.RemoteInfo): void;
  fail(err: Error): void;
}

export class UdpClient {
  private chain: Promise<void> = Promise.resolve();
  private active?: Active;
  private readonly waiting = new Set<(err: Error) => void>();
  private closed?: Promise<void>;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly port: number,
  ) {
    socket.on('message', (msg, rinfo) => this.active?.offer(msg, rinfo));
    socket.on('error', (err) => this.active?.fail(err));
  }

  static open(options: UdpClientOptions = {}): Promise<UdpClient> {
    return new Promise((resolve, reject) => {
      const { host = '127.0.0.1', port = 0 } = options;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`bad port ${port}`);
      const socket = dgram.createSocket('udp4');
      socket.once('error', (err) => {
        socket.close();
        reject(err);
      });
      socket.bind(port, host, () => {
        socket.removeAllListeners('error');
        resolve(new UdpClient(socket, socket.address().port));
      });
    });
  }

  request(message: string, server: UdpServerAddress, options: UdpRequestOptions = {}): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      if (typeof message !== 'string') throw new TypeError('message must be a string');
      const { host = '127.0.0.1', port } = server; // no server: TypeError
      const { timeoutMs = 500, retries = 3 } = options;
      if (!Number.isInteger(retries) || retries < 0) throw new RangeError('retries must be an integer >= 0');
      if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw new RangeError('timeoutMs must be > 0');
      if (this.closed) throw new Error('the client is closed');
      this.waiting.add(reject);
      const turn = () =>
        this.serve(Buffer.from(message), host, port, timeoutMs, 1 + retries, resolve, reject);
      this.chain = this.chain.then(turn);
    });
  }

  /** One request, start to end, on the socket connected to its server. */
  private serve(
    bytes: Buffer,
    host: string,
    port: number,
    timeoutMs: number,
    attempts: number,
    resolve: (text: string) => void,
    reject: (err: Error) => void,
  ): Promise<void> {
    return new Promise<void>((done) => {
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      let remote: { address: string; port: number } | undefined;
      const finish = (settle: () => void) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.active = undefined;
        this.waiting.delete(reject);
        if (remote && !this.closed) this.socket.disconnect();
        settle();
        done();
      };
      if (this.closed) return finish(() => reject(new Error('the client is closed')));
      let sent = 0;
      const attempt = () => {
        sent++;
        this.socket.send(bytes, (err) => {
          if (err) finish(() => reject(err));
        });
        if (timeoutMs !== Infinity) {
          timer = setTimeout(() => {
            if (sent < attempts) attempt();
            else finish(() => reject(new Error(`gave up after ${attempts} attempt(s)`)));
          }, timeoutMs);
        }
      };
      this.active = {
        offer: (msg, rinfo) => {
          // The kernel drops strangers once connected; a datagram queued before connect() is not.
          if (remote && rinfo.address === remote.address && rinfo.port === remote.port && msg.equals(bytes)) {
            finish(() => resolve(msg.toString()));
          }
        },
        fail: (err) => finish(() => reject(err)),
      };
      try {
        this.socket.connect(port, host, () => {
          if (finished) return;
          remote = this.socket.remoteAddress();
          attempt();
        });
      } catch (err) {
        finish(() => reject(err as Error)); // a bad port: ERR_SOCKET_BAD_PORT, a RangeError
      }
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = new Promise<void>((resolve) => this.socket.close(() => resolve()));
      const err = new Error('the client was closed');
      this.active?.fail(err);
      for (const reject of this.waiting) reject(err);
      this.waiting.clear();
    }
    return this.closed;
  }
}
