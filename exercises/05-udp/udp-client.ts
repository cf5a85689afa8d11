/**
 * The seed's UDP client, done right: a request/reply client over `node:dgram` that survives what
 * UDP does to datagrams (loses, duplicates, delays them) and what strangers send.
 *
 *   const client = await UdpClient.open();                 // binds its own port (client.port)
 *   const echo = await client.request('hi', { port: 5000 }, { timeoutMs: 500, retries: 3 });
 *   await client.close();
 *
 * - `open()` binds `host` (default `127.0.0.1`) and `port` (default 0: a free one) and reads the
 *   port back; a port in use rejects with the `EADDRINUSE` error.
 * - `request()` sends, waits `timeoutMs` (default 500), resends up to `retries` times (default 3),
 *   then rejects with a message containing "attempt" and the total (1 + retries).
 * - Only a datagram from the server's address AND port whose bytes are exactly the message
 *   answers it: strangers, duplicates and late replies to earlier requests are ignored.
 * - Several requests at once are allowed (serve them one at a time if you like).
 * - `close()` rejects pending requests, stops every retry timer and closes the socket; idempotent.
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
