/** Known good: echoes with `write()` and pauses until `drain` by hand (no pipe), tears down through one AbortSignal every connection listens to (no Set of sockets), listens with a callback and an `error` listener, and logs through a streaming `TextDecoder`; validates nothing itself (Node's own errors). */
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
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const log = options.log;
  const stop = new AbortController();

  const server = net.createServer((socket) => {
    const hangUp = () => socket.destroy();
    stop.signal.addEventListener('abort', hangUp, { once: true });
    socket.on('close', () => stop.signal.removeEventListener('abort', hangUp));
    socket.on('error', () => undefined);
    const decoder = new TextDecoder('utf-8');
    if (log) log('connection from: ' + socket.remoteAddress + ':' + socket.remotePort);
    socket.on('data', (chunk: Buffer) => {
      if (log) {
        const text = decoder.decode(chunk, { stream: true });
        if (text.length > 0) log('From connected user: ' + text);
      }
      if (!socket.write(chunk)) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
  });

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, host, () => {
      const { address, port: actual } = server.address() as net.AddressInfo;
      let closed: Promise<void> | null = null;
      resolve({
        host: address,
        port: actual,
        close: () => {
          if (!closed) {
            closed = new Promise<void>((done) => server.once('close', () => done()));
            server.close();
            stop.abort();
          }
          return closed;
        },
      });
    });
  });
}
