/**
 * Known bug: decodes with a streaming `StringDecoder` (split characters are fine) but echoes the
 * decoded text instead of the bytes: anything that is not valid UTF-8 comes back as U+FFFD.
 * @catches echoes binary data byte for byte
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
      // BUG: sends back the decoded text, not the bytes received.
      if (!socket.write(text)) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
    socket.on('end', () => {
      const rest = decoder.end();
      if (rest) {
        log(`From connected user: ${rest}`);
        socket.write(rest);
      }
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
