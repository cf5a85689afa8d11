/**
 * Known bug: logs a line for every chunk, even one that completes no character: an empty
 * `From connected user: ` line for each piece of a split character.
 * @catches logs nothing for a chunk that completes no character
 */
import { once } from 'node:events';
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

export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const { host = '127.0.0.1', port = 0, log } = options;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    // Stryker disable next-line StringLiteral,ArrowFunction: equivalent: the delete only frees memory; a closed socket left in the set gets `destroy()` again in `close()`, a no-op on a destroyed socket.
    socket.once('close', () => sockets.delete(socket));
    // Without a listener, a client's reset (ECONNRESET) would be thrown and crash the process.
    // 'close' follows an error, so there is nothing else to do.
    socket.on('error', () => {});

    if (log) {
      log(`connection from: ${socket.remoteAddress}:${socket.remotePort}`);
      const decoder = new StringDecoder(); // UTF-8; for the log only: the echo is bytes
      socket.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        log(`From connected user: ${text}`); // BUG: logs '' for a chunk that completes no character
      });
    }
    socket.pipe(socket);
  });

  server.listen(port, host);
  await once(server, 'listening'); // rejects with the server's `error` (EADDRINUSE …), code kept
  const address = server.address() as net.AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    close() {
      closing ??= new Promise<void>((done) => {
        server.close(() => done()); // calls back once every connection has closed
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
