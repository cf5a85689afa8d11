/**
 * Known bug: no port check. dgram's `bind()` does not validate the port: 70000 binds port 4464
 * (70000 mod 65536), -1 binds 65535 and 1.5 binds 1, so a typo starts a server on a port nobody
 * asked for instead of being refused.
 *
 * @catches rejects a bad port with RangeError
 * @catches refuses a bad `port`
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
