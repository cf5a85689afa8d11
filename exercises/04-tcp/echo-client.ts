/**
 * The seed's TCP client, done right: connect once, then `request(message)` sends the message and
 * a newline, and resolves with the line the server sends back.
 *
 *   const client = await EchoClient.connect({ port: 5000 });
 *   console.log(await client.request('hello')); // 'hello'
 *   await client.close();
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `EchoClient.connect({ host, port, timeoutMs })` connects to `host` (default `'127.0.0.1'`)
 *     and `port`, and resolves with a client once connected. A refused connection → it rejects
 *     with the socket error (code `ECONNREFUSED`).
 *  §2 `timeoutMs` that is not a number, or is NaN → `connect()` rejects with a TypeError or a
 *     RangeError whose message names `timeoutMs` (no synchronous throw).
 *  §3 `request(message)` sends the message as UTF-8 followed by one `\n`, and resolves with the
 *     next whole line received, decoded as UTF-8, without its `\n`, however the reply is cut into
 *     chunks (one byte at a time, or inside a multi-byte character). Only `\n` ends a line.
 *  §4 Several requests may be in flight at once: each line received answers the oldest request
 *     still waiting, so they resolve in the order they were sent, even when one chunk holds
 *     several lines. A line received while no request waits does not break the client (it is
 *     dropped, or it answers the next request).
 *  §5 A message containing `\n` → the returned promise rejects with a RangeError whose message
 *     contains "newline", and nothing is sent: the client stays usable.
 *  §6 No reply within `timeoutMs` ms of the request → it rejects with an Error whose message
 *     contains "timed out", and the client closes its connection (a late reply would otherwise
 *     answer the next request). Only a request waits: an idle client never times out. A
 *     `timeoutMs` beyond `setTimeout`'s limit (2 ** 31 - 1 ms), `Infinity` included, must not
 *     make a request time out at once.
 *  §7 When the server ends or resets the connection, or `close()` is called, every request still
 *     waiting rejects at once with an Error (on a reset: the socket error, code `ECONNRESET`),
 *     even while the request is still being sent; a request made afterwards rejects at once.
 *  §8 `close()` closes the connection and resolves; calling it again resolves too.
 *
 * The trap: the seed took one `recv(1024)` as the whole reply. TCP is a byte stream: a reply may
 * arrive in several chunks (even one byte at a time, or split inside a multi-byte character), and
 * one chunk may hold several replies. Buffer what arrives, decode it with a `StringDecoder`, and
 * hand out whole lines.
 *
 * Read: Node docs "net" (`net.connect`, the socket's `connect`, `data`, `end`, `error` events),
 * "string_decoder", "timers".
 * Hints: `net.connect({ host, port })` and its `connect`/`error` events; a FIFO array of pending
 * `{ resolve, reject, timer }`; `socket.on('data' | 'end' | 'close' | 'error')`.
 */
export interface EchoClientOptions {
  /** Default `'127.0.0.1'`. */
  host?: string;
  port: number;
  /** How long a request waits for its reply, in ms (default 5000; `Infinity`: no limit). */
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
