/** Known good: a class whose datagrams are read by a `for await` loop over `events.on(socket, 'message')`, stopped by an AbortController on close (the solution uses a 'message' listener); the port is checked with a thrown-then-caught RangeError in a promise chain. */
import * as dgram from 'node:dgram';
import { on } from 'node:events';

export interface UdpEchoServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface UdpEchoServerOptions {
  host?: string;
  port?: number;
  log?: (line: string) => void;
}

class IteratingServer implements UdpEchoServer {
  host = '';
  port = 0;
  private readonly socket = dgram.createSocket('udp4');
  private readonly stop = new AbortController();
  private closed?: Promise<void>;

  constructor(private readonly log?: (line: string) => void) {}

  bind(host: string, port: number): Promise<this> {
    return new Promise((resolve, reject) => {
      const failed = (err: Error) => {
        this.socket.close();
        reject(err);
      };
      this.socket.once('error', failed);
      this.socket.bind(port, host, () => {
        this.socket.removeListener('error', failed);
        this.socket.on('error', () => {});
        this.socket.setSendBufferSize(300_000);
        ({ address: this.host, port: this.port } = this.socket.address());
        void this.serve();
        resolve(this);
      });
    });
  }

  private async serve(): Promise<void> {
    try {
      for await (const [msg, rinfo] of on(this.socket, 'message', { signal: this.stop.signal })) {
        const data = msg as Buffer;
        const from = rinfo as dgram.RemoteInfo;
        if (this.log) {
          this.log(`msg from: ${from.address}:${from.port}`);
          this.log(`From connected user: ${data.toString()}`);
        }
        this.socket.send(data, from.port, from.address, () => {});
      }
    } catch {
      /* aborted by close() */
    }
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((done) => {
      this.stop.abort();
      this.socket.close(() => done());
    });
    return this.closed;
  }
}

export function startUdpEchoServer(options: UdpEchoServerOptions = {}): Promise<UdpEchoServer> {
  return Promise.resolve().then(() => {
    const { port = 0 } = options;
    if (!(Number.isSafeInteger(port) && port >= 0 && port <= 0xffff)) {
      throw new RangeError('The port must be an integer from 0 to 65535.');
    }
    return new IteratingServer(options.log).bind(options.host ?? '127.0.0.1', port);
  });
}
