/**
 * Known bug: no closed check in `request()`: on a closed client the send throws dgram's own
 * ERR_SOCKET_DGRAM_NOT_RUNNING ("Not running"), which rejects the request without saying that
 * the client is closed.
 *
 * @catches request() after close() rejects
 */
import * as dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

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
  private boundPort = 0;

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (msg, rinfo) => {
      for (const p of this.pending) {
        // Address AND port AND the exact bytes: anything else answers no request of ours.
        if (rinfo.port === p.port && rinfo.address === p.address && msg.equals(p.bytes)) {
          p.resolve(msg.toString('utf8'));
          return;
        }
      }
    });
    // One listener for the socket's whole life (without one, an 'error' would crash the process):
    // a bind error ends the client before `open()` rejects with it; a later error (none is
    // expected on a bound UDP socket: send errors go to each send's callback) ends it the same way.
    socket.on('error', (err) => void this.end(err));
  }

  /** Binds a socket (default 127.0.0.1, port 0 = any free port) and resolves once it is bound. */
  static async open(options: UdpClientOptions = {}): Promise<UdpClient> {
    const { host = '127.0.0.1', port = 0 } = options;
    // dgram's bind() does not check the port: it would bind 70000 as 4464 and -1 as 65535.
    checkPort(port, 'port', 0);
    const socket = dgram.createSocket('udp4');
    const client = new UdpClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject); // EADDRINUSE keeps its `code`
      socket.bind({ port, address: host }, () => resolve());
    });
    client.boundPort = socket.address().port;
    return client;
  }

  /** The port this client's socket is bound to (also the source port of its datagrams). */
  get port(): number {
    return this.boundPort;
  }

  /**
   * Sends `message` to `server` and resolves with the echo; resends after each `timeoutMs`
   * without one, and rejects after 1 + `retries` attempts.
   */
  async request(message: string, server: UdpServerAddress, options: UdpRequestOptions = {}): Promise<string> {
    const { timeoutMs = 500, retries = 3 } = options;
    if (typeof message !== 'string')
      throw new TypeError(`\`message\` must be a string, got ${typeof message}.`);
    checkPort(server?.port, 'server.port', 1);
    if (!Number.isInteger(retries) || retries < 0) {
      throw new RangeError(`\`retries\` must be an integer ≥ 0, got ${String(retries)}.`);
    }
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
      throw new RangeError(`\`timeoutMs\` must be a number > 0, got ${String(timeoutMs)}.`);
    }

    // Replies come from an address, never a name: 'localhost' must be compared as 127.0.0.1.
    // An address needs no lookup (`lookup()` would return it unchanged, a tick later).
    const host = server.host ?? '127.0.0.1';
    const address = isIP(host) ? host : (await lookup(host, 4)).address;
    // After the only `await`: close() may have come meanwhile (a closed socket would throw its own
    // "Not running" error).

    const bytes = Buffer.from(message); // UTF-8
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
        if (timeoutMs === Infinity) return; // wait for ever: no timer (setTimeout would fire after 1 ms)
        timer = setTimeout(() => {
          if (sent < attempts) attempt();
          else
            pending.reject(new Error(`No reply from ${address}:${server.port} after ${attempts} attempts.`));
        }, timeoutMs);
      };
      this.pending.add(pending);
      attempt();
    });
  }

  /** Rejects pending requests (which stops their retries) and closes the socket; idempotent. */
  close(): Promise<void> {
    return this.end(new Error('The client was closed before the reply came.'));
  }

  /** Rejects every pending request with `error` and closes the socket, once. */
  private end(error: Error): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const p of [...this.pending]) p.reject(error);
      this.socket.close(() => resolve());
    });
    return this.closing;
  }
}
