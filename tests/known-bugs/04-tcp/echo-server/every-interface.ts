/**
 * Known bug: listens without a host, so Node listens on `::` (every interface, like the seed's
 * `host = ''`), while `host` still reports the option's default.
 * @catches does not accept connections on other local addresses
 */
import * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export interface EchoServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface EchoServerOptions {
  host?: string;
  port?: number;
  log?: (line: string) => void;
}

export function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const { host = '127.0.0.1', port = 0, log = () => {} } = options;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Without a listener, a client's reset (ECONNRESET) would be thrown and crash the process.
    // 'close' follows an error, so there is nothing else to do.
    socket.on('error', () => {});

    log(`connection from: ${socket.remoteAddress}:${socket.remotePort}`);
    const decoder = new StringDecoder('utf8');
    socket.on('data', (chunk: Buffer) => {
      const text = decoder.write(chunk);
      if (text) log(`From connected user: ${text}`);
      // Back-pressure: stop reading while the client is not reading its echo.
      if (!socket.write(chunk)) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
    socket.on('end', () => {
      const rest = decoder.end();
      if (rest) log(`From connected user: ${rest}`);
      // allowHalfOpen is false: Node ends our side after the queued echo has been written.
    });
  });

  return new Promise<EchoServer>((resolve, reject) => {
    const onError = (err: Error) => reject(err); // EADDRINUSE, EACCES, …: keeps its `code`
    server.once('error', onError);
    // BUG: the host is not passed to listen(): every interface.
    server.listen(port, () => {
      server.off('error', onError);
      const address = server.address() as net.AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        host,
        // address: address.address,
        port: address.port,
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done()); // calls back once every connection has closed
            for (const socket of sockets) socket.destroy();
          });
          return closing;
        },
      });
    });
  });
}
