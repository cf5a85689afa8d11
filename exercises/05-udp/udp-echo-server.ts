/**
 * The seed's UDP echo server (`socket.SOCK_DGRAM`, `recvfrom`, `sendto`), in Node with `node:dgram`.
 *
 * UDP has no connections: each datagram arrives on its own, with the address and port of whoever
 * sent it (`rinfo` in the `'message'` event). An echo server sends the same bytes back there.
 *
 * - Reply to each datagram's sender: any number of senders, each on its own port.
 * - Echo the bytes unchanged (binary too), up to the largest UDP datagram: 65,507 bytes.
 * - Bind `host` (default `127.0.0.1`, not every interface as the seed's `''` did) and `port`
 *   (default 0: the OS picks a free one; read it back with `socket.address()`).
 * - Bind errors reject the promise with the original error (e.g. `code: 'EADDRINUSE'`).
 * - `close()` closes the socket, resolves once it is closed, and is idempotent.
 * - `log` gets `msg from: HOST:PORT` and `From connected user: <text>` for each datagram.
 *
 * The trap: the seed's `recvfrom(1024)` and a remembered `addr`. Node hands you the whole
 * datagram and its own sender: do not cut it, decode it or reply anywhere but to its `rinfo`.
 */
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

export function startUdpEchoServer(options: UdpEchoServerOptions = {}): Promise<UdpEchoServer> {
  // TODO: create a udp4 socket, echo every message back to its rinfo, bind host/port, resolve
  // with { host, port, close } once 'listening' (reject on 'error'), and make close() idempotent.
  void options;
  throw new Error(
    'Not implemented: startUdpEchoServer() — bind a dgram socket and echo each datagram to its sender',
  );
}
