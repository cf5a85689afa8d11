/**
 * The seed's TCP echo server, done right.
 *
 * The seed (`listen(1)`, one `accept()`, `recv(1024).decode()`) served one client, then quit;
 * decoded each chunk on its own (a character split between two reads turned into garbage); and
 * listened on every interface. This one:
 *
 * - serves any number of clients at once (Node calls the connection handler for each one);
 * - echoes every chunk back as raw bytes, at once, with `socket.pipe(socket)`: TCP is a byte
 *   stream, so there are no messages to wait for, and no reason to decode what we only send back.
 *   The pipe also stops reading while the client is not reading its echo (back-pressure), and
 *   ends our side once the client has ended and the echo is written;
 * - survives clients that reset (an `error` listener on every socket);
 * - listens on 127.0.0.1 unless told otherwise, on a free port by default;
 * - `close()` stops listening and destroys open connections (`server.close()` alone waits for
 *   every client to leave), and may be called any number of times.
 *
 * `log` gets `connection from: HOST:PORT` for each client and `From connected user: <text>` for
 * each chunk that completes some text, decoded with a `StringDecoder` that keeps a split
 * character for the next chunk.
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
        const text = decoder.write(chunk); // '' while a character is still incomplete
        if (text) log(`From connected user: ${text}`);
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
