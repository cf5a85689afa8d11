/**
 * Known bug: `close()` calls `socket.close()` every time. A dgram socket throws
 * ERR_SOCKET_DGRAM_NOT_RUNNING when it is closed again, so a second `close()` rejects.
 *
 * @catches close() is idempotent
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

  return new Promise<UdpEchoServer>((resolve, reject) => {
    const onError = (err: Error) => {
      socket.close(); // a socket that failed to bind is still open
      reject(err); // EADDRINUSE, EACCES, …: keeps its `code`
    };
    socket.once('error', onError);
    socket.bind({ port, address: host }, () => {
      socket.off('error', onError);
      // Without a listener an 'error' event would crash the process; there is no one to tell.
      socket.on('error', (err) => log(`socket error: ${err.message}`));
      try {
        if (socket.getSendBufferSize() < BUFFER_SIZE) socket.setSendBufferSize(BUFFER_SIZE);
        if (socket.getRecvBufferSize() < BUFFER_SIZE) socket.setRecvBufferSize(BUFFER_SIZE);
      } catch {
        /* the OS refused: keep its defaults */
      }
      const address = socket.address();
      resolve({
        host: address.address,
        port: address.port,
        close() {
          return new Promise<void>((done) => socket.close(() => done()));
        },
      });
    });
  });
}
