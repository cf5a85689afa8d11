/** Known good: an async function that awaits `events.once(socket, 'listening')` (the solution uses the bind callback and one 'error' listener), replies with a fresh copy of the bytes by offset and length, and validates exactly as stated. */
import * as dgram from 'node:dgram';
import { once } from 'node:events';

export interface UdpEchoServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface UdpEchoServerOptions {
  host?: string;
  port?: number;
  log?: (line: string) => void;
}

export async function startUdpEchoServer(options: UdpEchoServerOptions = {}): Promise<UdpEchoServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port out of range: ${String(port)}`);
  }
  const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 1 << 18, recvBufferSize: 1 << 18 });
  socket.on('message', (msg, rinfo) => {
    options.log?.(`msg from: ${rinfo.address}:${rinfo.port}`);
    options.log?.(`From connected user: ${new TextDecoder().decode(msg)}`);
    const copy = Buffer.alloc(msg.length);
    msg.copy(copy);
    socket.send(copy, 0, copy.length, rinfo.port, rinfo.address, (err) => void err);
  });
  socket.bind(port, host);
  try {
    await once(socket, 'listening'); // once() rejects on an 'error' event
  } catch (err) {
    socket.close();
    throw err;
  }
  socket.on('error', () => {});
  let closed: Promise<void> | null = null;
  const { address, port: bound } = socket.address();
  return {
    host: address,
    port: bound,
    close: () => {
      if (!closed) closed = new Promise((done) => socket.close(done));
      return closed;
    },
  };
}
