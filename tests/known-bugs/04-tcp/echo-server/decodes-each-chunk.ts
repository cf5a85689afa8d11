/**
 * Known bug: decodes each chunk to a string on its own and writes the string back (the seed's
 * `recv(1024).decode()` / `send(data.encode())`): a character split between two chunks becomes
 * U+FFFD, and bytes that are not UTF-8 are replaced.
 * @catches echoes a multi-byte character split between two chunks byte for byte
 * @catches echoes binary data byte for byte
 */
import * as net from 'node:net';

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
    socket.on('data', (chunk: Buffer) => {
      // BUG: decodes each chunk on its own, then sends the string back.
      const text = chunk.toString('utf8');
      log(`From connected user: ${text}`);
      if (!socket.write(text)) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
    socket.on('end', () => {
      // allowHalfOpen is false: Node ends our side after the queued echo has been written.
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
