/** Known good: `allowHalfOpen: true` with a `for await` loop over each socket that writes every chunk (awaiting `drain`) and calls `end()` itself when the loop ends; connections kept in a Map by id, counted down to zero by `close()` before it resolves; logs with one `StringDecoder` per connection. */
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

/** Resolves when `socket` can take more, or is gone. */
function writable(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const { host = '127.0.0.1', port = 0, log = () => {} } = options;
  const open = new Map<number, net.Socket>();
  let nextId = 0;

  const serve = async (socket: net.Socket): Promise<void> => {
    const decoder = new StringDecoder('utf8');
    log(`connection from: ${socket.remoteAddress}:${socket.remotePort}`);
    try {
      for await (const chunk of socket as AsyncIterable<Buffer>) {
        const text = decoder.write(chunk);
        if (text !== '') log(`From connected user: ${text}`);
        if (!socket.write(chunk)) await writable(socket);
        if (socket.destroyed) return;
      }
      socket.end(); // the client ended: half-open, so the end of our side is ours to send
    } catch {
      socket.destroy(); // a reset (ECONNRESET), or destroyed by close()
    }
  };

  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const id = nextId++;
    open.set(id, socket);
    socket.once('close', () => open.delete(id));
    socket.on('error', () => {});
    void serve(socket);
  });

  const listening = once(server, 'listening');
  server.listen({ port, host });
  await listening;
  const address = server.address() as net.AddressInfo;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of open.values()) socket.destroy();
    await stopped;
  };
  return {
    host: address.address,
    port: address.port,
    close: () => (closing ??= close()),
  };
}
