/**
 * Known bug: `close()` calls `server.close()` every time; the second call fails with
 * ERR_SERVER_NOT_RUNNING and the promise rejects. `close()` must be idempotent.
 * @catches close() can be called again
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
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as net.AddressInfo;
      resolve({
        host: address.address,
        port: address.port,
        close() {
          // BUG: a new server.close() on every call.
          return new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            for (const socket of sockets) socket.destroy();
          });
        },
      });
    });
  });
}
