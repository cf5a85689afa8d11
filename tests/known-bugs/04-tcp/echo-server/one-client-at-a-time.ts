/**
 * Known bug: serves one client at a time, like the seed's `listen(1)` and single `accept()`.
 * A new connection waits in a queue until the current client disconnects: a second client gets
 * no echo while the first stays connected.
 * @catches serves a second client while the first stays connected
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

  // BUG: one client at a time, like the seed: the others wait until the current one leaves.
  const queue: net.Socket[] = [];
  let busy = false;
  const serveNext = () => {
    const next = queue.shift();
    if (next) serve(next);
    else busy = false;
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.pause();
    if (busy) queue.push(socket);
    else {
      busy = true;
      serve(socket);
    }
  });
  function serve(socket: net.Socket) {
    socket.once('close', serveNext);
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
    socket.resume();
  }

  return new Promise<EchoServer>((resolve, reject) => {
    const onError = (err: Error) => reject(err); // EADDRINUSE, EACCES, …: keeps its `code`
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as net.AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        host: address.address,
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
