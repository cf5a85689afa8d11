// A UDP proxy for tests: it sits on 127.0.0.1 (port 0) between one client and one server and
// drops, duplicates, delays and reorders datagrams by a script, so a test can prove what a client
// does when UDP loses or repeats a datagram, or delivers it late. Delays are ordered by events
// (another datagram arriving at the proxy, or a name the test fires), never by time.
//
//   const proxy = await startUdpProxy(server.address, {
//     toServer: ['drop'],                                   // lose the first request
//     toClient: ['pass', { delayUntil: { toServer: 'b' } }], // hold reply 2 until request 'b'
//   });
//   await client.request('a', proxy.address, …);           // the client talks to the proxy
//
// Also `startStranger()`: a socket the client never talked to, for unsolicited datagrams.
// Everything is closed through `onCleanup`.
import * as dgram from 'node:dgram';
import { onCleanup } from './handles';
import { UdpPeer, type UdpAddress } from './udp-peer';

export type Direction = 'toServer' | 'toClient';

/**
 * When a held datagram is let go:
 * - `{ toServer: 3 }`: when the 3rd datagram from the client reaches the proxy;
 * - `{ toServer: 'text' }`: when a datagram from the client with exactly that text does;
 * - the same with `toClient` for datagrams from the server;
 * - `'name'`: when the test calls `proxy.fire('name')`.
 * Held datagrams go out BEFORE the datagram that triggered them is forwarded.
 */
export type ProxyEvent = string | { toServer: number | string } | { toClient: number | string };

/**
 * What happens to one datagram:
 * - `'pass'`: forwarded at once;
 * - `'drop'`: lost;
 * - `'dup'`: forwarded twice at once;
 * - `{ delayUntil: event }`: held, forwarded when `event` happens (at once if it already has);
 * - `{ dupUntil: event }`: forwarded at once, and a copy forwarded again when `event` happens.
 */
export type ProxyAction = 'pass' | 'drop' | 'dup' | { delayUntil: ProxyEvent } | { dupUntil: ProxyEvent };

/** The n-th entry applies to the n-th datagram in that direction; beyond the list: `'pass'`. */
export interface ProxyScript {
  toServer?: ProxyAction[];
  toClient?: ProxyAction[];
}

export interface UdpProxy {
  readonly host: string;
  readonly port: number;
  /** The proxy as the "server" address to give the client. */
  readonly address: { host: string; port: number };
  /** Datagrams that reached the proxy in that direction so far. */
  count(direction: Direction): number;
  /** Held datagrams forwarded so far (delayed ones and late copies). */
  readonly released: number;
  /** What happened to each datagram, for failure messages: "toServer#1 'hi': drop; …". */
  history(): string;
  /** Lets go of the datagrams held until `name`. */
  fire(name: string): void;
  /** Closes the socket and forgets held datagrams; idempotent. */
  close(): Promise<void>;
}

function eventKey(event: ProxyEvent): string {
  if (typeof event === 'string') return `fire:${event}`;
  const [direction, which] = Object.entries(event)[0] as [Direction, number | string];
  return typeof which === 'number' ? `${direction}#${which}` : `${direction}=${which}`;
}

function describeAction(action: ProxyAction): string {
  if (typeof action === 'string') return action;
  if ('delayUntil' in action) return `held until ${eventKey(action.delayUntil)}`;
  return `passed, copy held until ${eventKey(action.dupUntil)}`;
}

/**
 * Starts a proxy to `server` (an IP address, default 127.0.0.1): datagrams from that address and
 * port go to the client (the last other sender), every other datagram goes to the server.
 */
export async function startUdpProxy(server: UdpAddress, script: ProxyScript = {}): Promise<UdpProxy> {
  const serverHost = server.host ?? '127.0.0.1';
  const socket = dgram.createSocket('udp4');
  let client: { address: string; port: number } | undefined;
  const counts: Record<Direction, number> = { toServer: 0, toClient: 0 };
  const happened = new Set<string>();
  const held: { key: string; direction: Direction; data: Buffer }[] = [];
  const log: string[] = [];
  let released = 0;
  let closed = false;

  const forward = (direction: Direction, data: Buffer) => {
    if (closed) return;
    const to = direction === 'toServer' ? { address: serverHost, port: server.port } : client;
    if (!to) return; // a reply before any request: nobody to give it to
    socket.send(data, to.port, to.address, () => {});
  };

  const fire = (key: string) => {
    happened.add(key);
    for (let i = 0; i < held.length;) {
      if (held[i].key === key) {
        const [h] = held.splice(i, 1);
        released++;
        forward(h.direction, h.data);
      } else i++;
    }
  };

  socket.on('message', (data, rinfo) => {
    const fromServer = rinfo.address === serverHost && rinfo.port === server.port;
    const direction: Direction = fromServer ? 'toClient' : 'toServer';
    if (!fromServer) client = { address: rinfo.address, port: rinfo.port };
    const n = ++counts[direction];
    const text = data.toString('utf8');
    fire(`${direction}#${n}`);
    fire(`${direction}=${text}`);
    const action = script[direction]?.[n - 1] ?? 'pass';
    log.push(
      `${direction}#${n} ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}: ${describeAction(action)}`,
    );
    if (action === 'pass') forward(direction, data);
    else if (action === 'dup') {
      forward(direction, data);
      forward(direction, data);
    } else if (action !== 'drop') {
      const delayed = 'delayUntil' in action;
      const key = eventKey(delayed ? action.delayUntil : action.dupUntil);
      if (!delayed) forward(direction, data);
      if (happened.has(key)) {
        released++;
        forward(direction, data);
      } else held.push({ key, direction, data });
    }
  });
  socket.on('error', () => {}); // nothing expected on loopback; never crash the run

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: 0, address: '127.0.0.1' }, () => {
      socket.off('error', reject);
      resolve();
    });
  });

  let closing: Promise<void> | undefined;
  const port = socket.address().port;
  const proxy: UdpProxy = {
    host: '127.0.0.1',
    port,
    address: { host: '127.0.0.1', port },
    count: (direction) => counts[direction],
    get released() {
      return released;
    },
    history: () => (log.length > 0 ? log.join('; ') : '(no datagram reached the proxy)'),
    fire: (name) => fire(`fire:${name}`),
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        held.length = 0;
        socket.close(() => resolve());
      });
      return closing;
    },
  };
  onCleanup(() => proxy.close());
  return proxy;
}

/**
 * A socket the client never talked to, on another port of 127.0.0.1. `stranger.echo(datagram)`
 * sends a datagram's bytes back to its sender from the stranger's port: the same text the real
 * server would send, from the wrong port. `stranger.send(data, client)` sends anything else.
 */
export function startStranger(): Promise<UdpPeer> {
  return UdpPeer.open({ name: 'a stranger' });
}
