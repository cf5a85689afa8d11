/**
 * The seed's UDP echo server (`socket.SOCK_DGRAM`, `recvfrom`, `sendto`), in Node with `node:dgram`.
 *
 * UDP has no connections: each datagram arrives on its own, with the address and port of whoever
 * sent it (`rinfo` in the `'message'` event). An echo server sends the same bytes back there.
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `startUdpEchoServer(options?)` binds a UDP (IPv4) socket on `host` (default `127.0.0.1`,
 *     not every interface as the seed's `''` did) and `port` (default 0: a free port the OS picks),
 *     and resolves once it is bound with `{ host, port, close }`: the address and port it is bound
 *     to (read them back with `socket.address()`).
 *  §2 Each datagram is echoed to its own sender (its `rinfo` address and port), from the server's
 *     port: any number of senders, each on its own port.
 *  §3 The echo is the datagram's bytes unchanged (binary too, not only UTF-8), up to the largest
 *     UDP datagram: 65,507 bytes.
 *  §4 A bind error rejects with the socket's own error (`code: 'EADDRINUSE'` for a port in use).
 *  §5 A `port` that is not an integer from 0 to 65535 rejects with a RangeError (dgram's `bind()`
 *     does not check it: it binds 70000 as 4464).
 *  §6 `close()` closes the socket (its port is free again once `close()` resolves); every call
 *     resolves (idempotent).
 *  §7 `log`, if given, gets `msg from: HOST:PORT` (the sender) and `From connected user: <text>`
 *     (the datagram decoded as UTF-8) for each datagram.
 *  §8 Errors are reported by rejecting the promise, never by throwing.
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
