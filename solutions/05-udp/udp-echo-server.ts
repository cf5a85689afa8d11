/**
 * The seed's UDP echo server, done right.
 *
 * UDP has no connections: every datagram arrives with its sender's address and port (`rinfo`),
 * and the reply goes back to exactly that address and port. The seed read with `recvfrom(1024)`
 * (cutting longer datagrams), decoded and re-encoded the bytes (breaking anything that is not
 * UTF-8), and listened on every interface. This one:
 *
 * - replies to each datagram's own sender, so any number of senders are served independently;
 * - echoes the datagram's bytes unchanged, up to the UDP maximum of 65,507 bytes (Node reads
 *   whole datagrams; nothing to cut, and no reason to decode what we only send back);
 * - binds 127.0.0.1 unless told otherwise, on a free port by default, and reads the port back;
 * - rejects with the bind error (e.g. `EADDRINUSE`, with its `code`) and closes the socket;
 * - `close()` closes the socket, resolves once it is closed, and may be called any number of times.
 *
 * `log` gets `msg from: HOST:PORT` and `From connected user: <text>` for each datagram. A datagram
 * is a whole message, so it can be decoded on its own (no streaming decoder, unlike TCP).
 */
import * as dgram from 'node:dgram';

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

// Big enough for a few of the largest datagrams. Linux's default (~208 KiB) is already more;
// macOS limits a datagram to the send buffer size (9 KiB by default), so ask for more there.
const BUFFER_SIZE = 256 * 1024;

export function startUdpEchoServer(options: UdpEchoServerOptions = {}): Promise<UdpEchoServer> {
  const { host = '127.0.0.1', port = 0, log } = options;
  // dgram's bind() does not check the port: it would bind 70000 as 4464 and -1 as 65535.
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    return Promise.reject(
      new RangeError(`\`port\` must be an integer from 0 to 65535, got ${String(port)}.`),
    );
  }

  const socket = dgram.createSocket('udp4');
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= new Promise<void>((done) => socket.close(() => done())));

  socket.on('message', (msg, rinfo) => {
    if (log) {
      // Build the lines only for a reader: the echo itself never needs the text.
      log(`msg from: ${rinfo.address}:${rinfo.port}`);
      log(`From connected user: ${msg.toString('utf8')}`);
    }
    // The reply goes to this datagram's sender: `rinfo`, never a remembered or fixed address.
    // A reply that cannot be sent is lost like any datagram: the callback keeps its error from
    // becoming an 'error' event.
    socket.send(msg, rinfo.port, rinfo.address, () => {});
  });

  return new Promise<UdpEchoServer>((resolve, reject) => {
    // One listener for the socket's whole life: a bind error (EADDRINUSE, EACCES, …) closes the
    // socket (a socket that failed to bind is still open) and rejects with the error, `code` and
    // all. After the bind the promise is settled; a later error (none is expected on a bound UDP
    // socket) just closes the server, and `close()` still resolves.
    socket.on('error', (err) => {
      void close();
      reject(err);
    });
    socket.bind({ port, address: host }, () => {
      socket.setSendBufferSize(BUFFER_SIZE);
      socket.setRecvBufferSize(BUFFER_SIZE);
      const address = socket.address();
      resolve({ host: address.address, port: address.port, close });
    });
  });
}
