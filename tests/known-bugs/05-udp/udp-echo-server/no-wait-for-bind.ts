/**
 * Known bug: resolves before the socket is bound. `bind()` is asynchronous: the promise resolves
 * at once with the port asked for (0 by default, not the real one), and a bind error such as
 * EADDRINUSE only reaches the 'error' listener, which logs it.
 *
 * @catches binds 127.0.0.1 and a free port by default
 * @catches rejects with the EADDRINUSE error when the port is taken
 */
import * as dgram from 'node:dgram';
import { isIPv6 } from 'node:net';

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
  const { host = '127.0.0.1', port = 0, log = () => {} } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    return Promise.reject(
      new RangeError(`\`port\` must be an integer from 0 to 65535, got ${String(port)}.`),
    );
  }

  const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');

  socket.on('message', (msg, rinfo) => {
    log(`msg from: ${rinfo.address}:${rinfo.port}`);
    log(`From connected user: ${msg.toString('utf8')}`);
    // The reply goes to this datagram's sender: `rinfo`, never a remembered or fixed address.
    socket.send(msg, rinfo.port, rinfo.address, (err) => {
      if (err) log(`could not reply to ${rinfo.address}:${rinfo.port}: ${err.message}`);
    });
  });

  socket.on('error', (err) => log(`socket error: ${err.message}`));
  socket.bind({ port, address: host });
  void BUFFER_SIZE;
  let closing: Promise<void> | undefined;
  return Promise.resolve({
    host,
    port,
    close() {
      closing ??= new Promise<void>((done) => socket.close(() => done()));
      return closing;
    },
  });
}
