/**
 * The seed's UDP client, done right: a request/reply client over `node:dgram` that survives what
 * UDP does to datagrams (loses, duplicates, delays them) and what strangers send.
 *
 *   const client = await UdpClient.open();                 // binds its own port (client.port)
 *   const echo = await client.request('hi', { port: 5000 }, { timeoutMs: 500, retries: 3 });
 *   await client.close();
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `UdpClient.open(options?)` binds a UDP (IPv4) socket on `host` (default `127.0.0.1`) and
 *     `port` (default 0: a free port the OS picks) and resolves once it is bound; `client.port` is
 *     the bound port.
 *  §2 `open()` on a port in use rejects with the socket's own error (`code: 'EADDRINUSE'`).
 *  §3 `request(message, server, options?)` sends the UTF-8 bytes of `message` from `client.port`
 *     to `server.host` (default `127.0.0.1`; a name such as `localhost` is looked up) on
 *     `server.port`, and resolves with the echo, as a string.
 *  §4 Only a datagram from the server's address AND port whose bytes are exactly the message
 *     answers it: strangers, duplicates and late replies to earlier requests are ignored.
 *  §5 Several requests may be pending at once (serve them one at a time if you like); each
 *     resolves with its own echo.
 *  §6 Each attempt waits `timeoutMs` (default 500) for the answer, the last attempt too; each wait
 *     that ends without it sends the datagram again, up to `retries` times (default 3): 1 + retries
 *     datagrams in all, over about (1 + retries) × timeoutMs.
 *  §7 `timeoutMs: Infinity` waits for ever: one datagram, no resend, pending until the answer
 *     comes (or `close()`).
 *  §8 With no answer after the last attempt's wait, the request rejects with an Error whose
 *     message contains "attempt" and the number of attempts (1 + retries).
 *  §9 A message too big for one datagram (over 65,507 bytes) rejects with the error that
 *     `socket.send()` reports (`code: 'EMSGSIZE'`), without waiting for `timeoutMs`.
 *  §10 `close()` rejects every pending request with an Error whose message contains "closed",
 *     stops every retry timer and closes the socket (its port is free again once `close()`
 *     resolves); every call resolves (idempotent).
 *  §11 `request()` on a closed client, or closed while the server's name was being looked up,
 *     rejects with an Error whose message contains "closed" and sends nothing.
 *  §12 Bad arguments are refused: an `open()` port that is not an integer from 0 to 65535 (dgram's
 *     `bind()` does not check it), or a server port that is not an integer from 1 to 65535, with a
 *     RangeError; a `message` that is not a string with a TypeError; `retries` that is not an
 *     integer ≥ 0 with a RangeError; `timeoutMs` that is not a number > 0 (Infinity is one), or no
 *     `server`, with a TypeError or a RangeError.
 *  §13 Errors are reported by rejecting the promise, never by throwing.
 *
 * The trap: the seed took the next datagram as the answer, whoever sent it. With retries, an old
 * reply (or its duplicate) arrives while the next request waits: match the answer, never "the
 * next datagram", and clear the timer of every request that settles.
 */
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

export class UdpClient {
  private constructor() {
    // TODO: keep the socket and the pending requests; listen for 'message' once, here.
    throw new Error('Not implemented: UdpClient constructor — use UdpClient.open()');
  }

  /** Binds a socket and resolves with a client once it is bound. */
  static open(options: UdpClientOptions = {}): Promise<UdpClient> {
    // TODO: dgram.createSocket('udp4'), bind({ address: host, port }), resolve on 'listening',
    // reject (and close the socket) on 'error'.
    void options;
    throw new Error('Not implemented: UdpClient.open() — bind a dgram socket on host/port');
  }

  /** The port this client's socket is bound to (also the source port of its datagrams). */
  get port(): number {
    // TODO: return the port read back from socket.address() after binding.
    throw new Error('Not implemented: port — the bound port, from socket.address()');
  }

  /** Sends `message` to `server`, resends on timeout, resolves with the matching echo. */
  request(message: string, server: UdpServerAddress, options: UdpRequestOptions = {}): Promise<string> {
    // TODO: send; on each timeoutMs without the answer resend, up to 1 + retries attempts, then
    // reject ("… after N attempts"). Resolve only on a datagram from server's address and port
    // with exactly these bytes. Clear the timer when the request settles.
    void message;
    void server;
    void options;
    throw new Error('Not implemented: request() — send, wait for the matching echo, retry on timeout');
  }

  /** Rejects pending requests, stops their timers and closes the socket; idempotent. */
  close(): Promise<void> {
    // TODO: reject every pending request, clear their timers, socket.close(); same promise each call.
    throw new Error('Not implemented: close() — reject pending requests, clear timers, close the socket');
  }
}
