/**
 * Known bug: the `timeoutMs` option is ignored: every attempt waits the default 500 ms.
 *
 * @catches waits timeoutMs for each attempt: 4 × 25 ms
 */
import * as dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIPv6 } from 'node:net';

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

/** A request waiting for its answer. */
interface Pending {
  bytes: Buffer;
  address: string;
  port: number;
  resolve(text: string): void;
  reject(error: Error): void;
}

function checkPort(port: unknown, name: string, min: number): void {
  if (!Number.isInteger(port) || (port as number) < min || (port as number) > 65_535) {
    throw new RangeError(`\`${name}\` must be an integer from ${min} to 65535, got ${String(port)}.`);
  }
}

export class UdpClient {
  private readonly pending = new Set<Pending>();
  private closing?: Promise<void>;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly port: number,
  ) {
    socket.on('message', (msg, rinfo) => {
      for (const p of this.pending) {
        // Address AND port AND the exact bytes: anything else answers no request of ours.
        if (rinfo.port === p.port && rinfo.address === p.address && msg.equals(p.bytes)) {
          p.resolve(msg.toString('utf8'));
          return;
        }
      }
    });
    // Errors on an unconnected UDP socket are rare; without a listener one would crash the process.
    socket.on('error', (err) => {
      for (const p of [...this.pending]) p.reject(err);
    });
  }

  /** Binds a socket (default 127.0.0.1, port 0 = any free port) and resolves once it is bound. */
  static async open(options: UdpClientOptions = {}): Promise<UdpClient> {
    const { host = '127.0.0.1', port = 0 } = options;
    checkPort(port, 'port', 0);
    const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => {
        socket.close(); // a socket that failed to bind is still open
        reject(err); // EADDRINUSE keeps its `code`
      });
      socket.bind({ port, address: host }, () => {
        socket.removeAllListeners('error');
        resolve();
      });
    });
    return new UdpClient(socket, socket.address().port);
  }

  /**
   * Sends `message` to `server` and resolves with the echo; resends after each `timeoutMs`
   * without one, and rejects after 1 + `retries` attempts.
   */
  async request(message: string, server: UdpServerAddress, options: UdpRequestOptions = {}): Promise<string> {
    const { retries = 3 } = options;
    const timeoutMs = 500; // the default
    if (typeof message !== 'string')
      throw new TypeError(`\`message\` must be a string, got ${typeof message}.`);
    checkPort(server?.port, 'server.port', 1);
    if (!Number.isInteger(retries) || retries < 0) {
      throw new RangeError(`\`retries\` must be an integer ≥ 0, got ${String(retries)}.`);
    }
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
      throw new RangeError(`\`timeoutMs\` must be a number, got ${String(timeoutMs)}.`);
    }
    if (this.closing) throw new Error('The client is closed.');

    // Replies come from an address, never a name: 'localhost' must be compared as 127.0.0.1.
    const family = this.socket.address().family === 'IPv6' ? 6 : 4;
    const { address } = await lookup(server.host ?? '127.0.0.1', { family });
    if (this.closing) throw new Error('The client is closed.');

    const bytes = Buffer.from(message, 'utf8');
    const attempts = 1 + retries;
    return new Promise<string>((resolve, reject) => {
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.pending.delete(pending);
        settle();
      };
      const pending: Pending = {
        bytes,
        address,
        port: server.port,
        resolve: (text) => finish(() => resolve(text)),
        reject: (error) => finish(() => reject(error)),
      };
      const attempt = () => {
        sent++;
        this.socket.send(bytes, server.port, address, (err) => {
          if (err) pending.reject(err); // EMSGSIZE, …
        });
        if (timeoutMs === Infinity) return; // wait forever: no timer, no retry
        timer = setTimeout(
          () => {
            if (sent < attempts) attempt();
            else {
              const each = timeoutMs > 0 ? `${timeoutMs} ms each` : 'no wait';
              pending.reject(
                new Error(`No reply from ${address}:${server.port} after ${attempts} attempts (${each}).`),
              );
            }
          },
          Math.max(0, timeoutMs),
        );
      };
      this.pending.add(pending);
      attempt();
    });
  }

  /** Rejects pending requests (which stops their retries) and closes the socket; idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const p of [...this.pending]) p.reject(new Error('The client was closed before the reply came.'));
      this.socket.close(() => resolve());
    });
    return this.closing;
  }
}
