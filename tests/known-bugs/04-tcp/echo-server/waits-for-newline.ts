/**
 * Known bug: echoes line by line (readline): nothing comes back until the client sends `\n`,
 * and the lines are decoded and re-encoded (binary bytes damaged).
 * @catches echoes each chunk at once, without waiting for a newline
 * @catches echoes binary data byte for byte
 */
import * as net from 'node:net';
import * as readline from 'node:readline';

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
    // BUG: waits for whole lines before echoing anything.
    const lines = readline.createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', (line) => {
      log(`From connected user: ${line}`);
      socket.write(`${line}\n`);
    });
  });

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
