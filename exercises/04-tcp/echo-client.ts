/**
 * The seed's TCP client, done right: connect once, then `request(message)` sends the message and
 * a newline, and resolves with the line the server sends back.
 *
 *   const client = await EchoClient.connect({ port: 5000 });
 *   console.log(await client.request('hello')); // 'hello'
 *   await client.close();
 *
 * - Only `\n` ends a line. A message containing `\n` → the promise rejects with RangeError.
 * - Several requests may be in flight at once: they resolve in the order they were sent.
 * - Connection refused → `connect()` rejects with the socket error (code `ECONNREFUSED`).
 * - No reply within `timeoutMs` (default 5000) → rejects with a message containing "timed out",
 *   and the client closes (a late reply would otherwise answer the next request).
 * - The server ends or drops the connection, or `close()` is called → pending requests reject.
 *
 * The trap: the seed took one `recv(1024)` as the whole reply. TCP is a byte stream: a reply may
 * arrive in several chunks (even one byte at a time, or split inside a multi-byte character), and
 * one chunk may hold several replies. Buffer what arrives, decode it with a `StringDecoder`, and
 * hand out whole lines.
 *
 * Hints: `net.connect({ host, port })` and its `connect`/`error` events; a FIFO array of pending
 * `{ resolve, reject, timer }`; `socket.on('data' | 'end' | 'close' | 'error')`.
 */
export interface EchoClientOptions {
  /** Default `'127.0.0.1'`. */
  host?: string;
  port: number;
  /** How long a request waits for its reply (default 5000; `Infinity` waits forever). */
  timeoutMs?: number;
}

export class EchoClient {
  // TODO: keep the socket, a StringDecoder and the text received so far, and the queue of
  // pending requests; listen to the socket's events here.
  private constructor() {
    throw new Error('Not implemented: the EchoClient constructor — keep the socket and listen to it');
  }

  /** Connects; resolves with a client once connected, rejects with the socket error. */
  static connect(options: EchoClientOptions): Promise<EchoClient> {
    // TODO: net.connect, resolve on `connect`, reject on `error`.
    void options;
    throw new Error('Not implemented: EchoClient.connect() — open a TCP connection to host:port');
  }

  /** Sends `message` + `\n`; resolves with the next whole line received (without `\n`). */
  request(message: string): Promise<string> {
    // TODO: check the message, queue a pending request (with its timeout), write the line.
    void message;
    throw new Error('Not implemented: request() — send the line and wait for a whole line back');
  }

  /** Closes the connection; pending requests reject. Calling it again is fine. */
  close(): Promise<void> {
    // TODO: reject pending requests, destroy the socket, resolve on `close`.
    throw new Error('Not implemented: close() — reject pending requests and close the socket');
  }
}
