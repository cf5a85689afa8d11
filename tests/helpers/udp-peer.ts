// UDP sockets for tests, independent of the student's code: senders for the echo server's tests,
// fake servers for the client's tests, and strangers (tests/helpers/udp-proxy.ts). A `UdpPeer`
// keeps every datagram it receives, in order, and waits for them by event with a bounded wait
// whose message names what never arrived. Bound on 127.0.0.1, closed through `onCleanup`.
import * as dgram from 'node:dgram';
import { check, settle, show, within } from './assert';
import { promiseFrom } from './async';
import { onCleanup } from './handles';
import { activeHandles } from './node-internals';

/** One received datagram: its bytes, the bytes as UTF-8 text, and who sent it. */
export interface Datagram {
  data: Buffer;
  text: string;
  address: string;
  port: number;
}

/** Where to send: host defaults to 127.0.0.1. */
export interface UdpAddress {
  host?: string;
  port: number;
}

/** The largest UDP payload over IPv4 (65,535 − 8 bytes of UDP header − 20 of IP header). */
export const MAX_DATAGRAM = 65_507;

// Room for a few of the largest datagrams. Linux's defaults (~208 KiB) already fit them; macOS
// caps a datagram at the send buffer size (9 KiB by default), so peers that send big ones ask.
const BIG_BUFFER = 256 * 1024;

export interface PeerOptions {
  /** For failure messages: "the fake server", "sender 3". */
  name?: string;
  host?: string;
  port?: number;
  /** Called for every datagram as it arrives (after it is recorded): a fake server's logic. */
  onMessage?: (datagram: Datagram, peer: UdpPeer) => void;
  /** Raise the socket buffers so that 65,507-byte datagrams can be sent (see BIG_BUFFER). */
  big?: boolean;
}

export class UdpPeer {
  /** Every datagram received, in order of arrival. */
  readonly received: Datagram[] = [];
  onMessage?: (datagram: Datagram, peer: UdpPeer) => void;
  private readCursor = 0;
  private readonly listeners = new Set<() => void>();
  private closing?: Promise<void>;

  private constructor(
    readonly socket: dgram.Socket,
    readonly name: string,
  ) {}

  /** Binds a socket (127.0.0.1, port 0 unless told) and resolves once it is bound. */
  static async open(options: PeerOptions = {}): Promise<UdpPeer> {
    const { name = 'a test socket', host = '127.0.0.1', port = 0 } = options;
    const socket = dgram.createSocket('udp4');
    const peer = new UdpPeer(socket, name);
    peer.onMessage = options.onMessage;
    onCleanup(() => peer.close());
    socket.on('message', (data, rinfo) => {
      const datagram = { data, text: data.toString('utf8'), address: rinfo.address, port: rinfo.port };
      peer.received.push(datagram);
      peer.onMessage?.(datagram, peer);
      for (const listener of [...peer.listeners]) listener();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port, address: host }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // Later errors (none are expected on loopback) must not crash the test run.
    socket.on('error', () => {});
    if (options.big) {
      if (socket.getSendBufferSize() < BIG_BUFFER) socket.setSendBufferSize(BIG_BUFFER);
      if (socket.getRecvBufferSize() < BIG_BUFFER) socket.setRecvBufferSize(BIG_BUFFER);
    }
    return peer;
  }

  get port(): number {
    return this.socket.address().port;
  }

  get host(): string {
    return this.socket.address().address;
  }

  /** This peer as an address to send to or to give to the code under test. */
  get address(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  /** Sends one datagram; resolves once the OS has taken it. */
  send(data: string | Buffer | Uint8Array, to: UdpAddress): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(data, to.port, to.host ?? '127.0.0.1', (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * Sends `datagram`'s bytes back to where it came from (what an echo server does). Never rejects:
   * a fake server may be asked to answer while the test is already closing it.
   */
  echo(datagram: Datagram): Promise<void> {
    return this.send(datagram.data, { host: datagram.address, port: datagram.port }).catch(() => {});
  }

  /**
   * Resolves when `condition()` holds, checking it now and after every datagram; fails after
   * `ms` with "Timed out after N ms waiting for <what>. <hint>".
   */
  waitUntil(condition: () => boolean, what: string, ms = 1000, hint = ''): Promise<void> {
    if (condition()) return Promise.resolve();
    let listener!: () => void;
    const met = new Promise<void>((resolve) => {
      listener = () => {
        if (condition()) resolve();
      };
      this.listeners.add(listener);
    });
    return within(met, ms, what, hint).finally(() => this.listeners.delete(listener));
  }

  /** Resolves when `count` datagrams have arrived in all. */
  waitForCount(count: number, what: string, ms = 1000, hint = ''): Promise<void> {
    return this.waitUntil(() => this.received.length >= count, what, ms, hint);
  }

  /** The next datagram not yet returned by `next()` (waits for it). */
  async next(what: string, ms = 1000, hint = ''): Promise<Datagram> {
    await this.waitUntil(() => this.received.length > this.readCursor, what, ms, hint);
    return this.received[this.readCursor++];
  }

  /** Closes the socket; idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
    return this.closing;
  }
}

/**
 * One turn of the event loop with a poll phase in it: a datagram sent before it (its send
 * callback has run) has been read by the socket of this process it was sent to, and that
 * socket's 'message' listeners have run. Loopback delivers within the send call. Two immediates,
 * because one scheduled from the poll phase runs before the next poll.
 */
export const pollTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/**
 * A UDP port that was free a moment ago: bound on 127.0.0.1 by a temporary socket, then released.
 * Another process may take it before the caller binds it: callers retry on EADDRINUSE.
 */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: 0, address: '127.0.0.1' }, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * The address and port of every UDP socket open in this process, read from the OS through Node
 * (the student's sockets included): shows which interface a server really bound, e.g. `0.0.0.0`.
 */
export function udpBindings(): { address: string; port: number }[] {
  type Handle = { addMembership?: unknown; address?: () => { address: string; port: number } };
  const handles = activeHandles<Handle>();
  const out: { address: string; port: number }[] = [];
  for (const h of handles) {
    if (typeof h.addMembership !== 'function' || typeof h.address !== 'function') continue;
    try {
      const { address, port } = h.address();
      out.push({ address, port });
    } catch {
      /* not bound yet, or closing */
    }
  }
  return out;
}

/**
 * Calls `close()` on a UDP client or server (bounded by `waitMs`) and checks that its `port` can
 * be bound again at once: a socket that is not really closed keeps it.
 */
export async function checkClosesItsPort(
  closable: { port: number; close(): Promise<void> },
  whose: string,
  waitMs: number,
): Promise<void> {
  const { port } = closable;
  await within(
    promiseFrom(() => closable.close(), 'close()'),
    waitMs,
    '`close()` to resolve',
  );
  const again = await settle(UdpPeer.open({ name: `a socket on the closed ${whose}'s port`, port }));
  check(
    again.ok,
    `Expected port ${port} to be free once \`close()\` resolved, but binding it failed with ${
      again.ok ? '' : show(again.error.code ?? again.error.message)
    }. Close the socket (\`socket.close(callback)\`) and resolve in its callback.`,
  );
}
