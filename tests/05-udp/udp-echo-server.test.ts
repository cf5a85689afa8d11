// UdpEchoServer: the seed's UDP server. The senders are plain dgram sockets from
// tests/helpers/udp-peer.ts (never the student's UdpClient); every wait is bounded and names the
// datagram that never came back.
import {
  startUdpEchoServer,
  type UdpEchoServer,
  type UdpEchoServerOptions,
} from '@kata/05-udp/udp-echo-server';
import { check, checkBadArgument, refusal, settle, show, within } from '../helpers/assert';
import { promiseFrom } from '../helpers/async';
import { onCleanup } from '../helpers/handles';
import { checkClosesItsPort, freeUdpPort, MAX_DATAGRAM, UdpPeer, udpBindings } from '../helpers/udp-peer';

const WAIT_MS = 1000;
const REPLY_HINT =
  'Does the server reply with `socket.send(msg, rinfo.port, rinfo.address)` for every datagram?';

/** Starts a server (closed after the test) and checks the port it reports. */
async function start(options: UdpEchoServerOptions = {}): Promise<UdpEchoServer> {
  const server = await within(
    promiseFrom(() => startUdpEchoServer(options), 'startUdpEchoServer()'),
    WAIT_MS,
    '`startUdpEchoServer()` to resolve',
    'It resolves once the socket is bound: in the `bind()` callback or on the `listening` event.',
  );
  onCleanup(() =>
    within(Promise.resolve(server.close()), WAIT_MS, '`server.close()` to resolve after the test'),
  );
  check(
    Number.isInteger(server.port) && server.port > 0,
    `Expected \`port\` to be the port the socket is bound to (an integer > 0), got ${show(server.port)}. ` +
      'With port 0 the OS picks one: read it back with `socket.address().port` once bound.',
  );
  return server;
}

/** The server as an address to send to: always 127.0.0.1, whatever `host` it reports. */
const to = (server: UdpEchoServer) => ({ host: '127.0.0.1', port: server.port });

/** Where two buffers first differ, for a failure message. */
function firstDifference(got: Buffer, expected: Buffer): string {
  for (let i = 0; i < Math.min(got.length, expected.length); i++) {
    if (got[i] !== expected[i]) {
      return `byte ${i} is 0x${got[i].toString(16)} instead of 0x${expected[i].toString(16)}`;
    }
  }
  return `${got.length} bytes instead of ${expected.length}`;
}

describe('UdpEchoServer', () => {
  it('§1 binds 127.0.0.1 and a free port by default', async () => {
    const server = await start();
    check(
      server.host === '127.0.0.1',
      `Expected \`host\` to be '127.0.0.1' by default, got ${show(server.host)}. ` +
        "The seed's `''` listens on every interface: a kata server must not.",
    );
    const bound = udpBindings().filter((b) => b.port === server.port);
    check(
      bound.length > 0 && bound.every((b) => b.address === '127.0.0.1'),
      `Expected the server's socket to be bound to 127.0.0.1:${server.port}, found ${show(bound)}. ` +
        "Pass the host to `bind({ address: host, port })`, with '127.0.0.1' as the default.",
    );
  });

  it('§2 §3 echoes a datagram back to its sender, from its own port', async () => {
    const server = await start();
    const peer = await UdpPeer.open({ name: 'the sender' });
    const text = 'hello, udp ✓ héllo';
    await peer.send(text, to(server));
    const reply = await peer.next('the echo of one datagram', WAIT_MS, REPLY_HINT);
    check(reply.text === text, `Expected the echo ${show(text)}, got ${show(reply.text)}.`);
    check(
      reply.port === server.port,
      `Expected the echo to come from the server's port ${server.port}, it came from port ${reply.port}. ` +
        'Reply with the same socket that received the datagram.',
    );
  });

  it('§2 replies to each sender at its own address and port', async () => {
    const server = await start();
    const a = await UdpPeer.open({ name: 'sender A' });
    const b = await UdpPeer.open({ name: 'sender B' });
    await a.send('from A', to(server));
    const first = await a.next('the echo to sender A', WAIT_MS, REPLY_HINT);
    check(first.text === 'from A', `Expected sender A to get 'from A' back, got ${show(first.text)}.`);

    await b.send('from B', to(server));
    const second = await b.next(
      `the echo to sender B (port ${b.port}), the second sender`,
      WAIT_MS,
      "Reply to each datagram's own `rinfo` (address and port): not to the first sender, not to a fixed port.",
    );
    check(second.text === 'from B', `Expected sender B to get 'from B' back, got ${show(second.text)}.`);

    await a.send('again from A', to(server));
    const third = await a.next('the echo of a second datagram from sender A', WAIT_MS, REPLY_HINT);
    check(
      third.text === 'again from A',
      `Expected sender A's next datagram to be 'again from A', got ${show(third.text)}: ` +
        "sender A got a reply meant for someone else. Reply to each datagram's own `rinfo`.",
    );
  });

  it('§3 echoes a 65,507-byte datagram byte-exact (the largest UDP datagram)', async () => {
    const server = await start();
    const peer = await UdpPeer.open({ name: 'the sender', big: true });
    const payload = Buffer.alloc(MAX_DATAGRAM, 0);
    for (let i = 0; i < payload.length; i++) payload[i] = 0x61 + (i % 26); // a…z, over and over
    await peer.send(payload, to(server));
    const reply = await peer.next(
      'the echo of a 65,507-byte datagram',
      WAIT_MS,
      'Send the whole Buffer back; on macOS the socket may need `setSendBufferSize()` for datagrams over 9 KiB.',
    );
    check(
      reply.data.equals(payload),
      `Expected the echo of a 65,507-byte datagram to be the same 65,507 bytes, got ${reply.data.length} bytes ` +
        `(${firstDifference(reply.data, payload)}). Node hands over the whole datagram: do not cut it to 1024 ` +
        "bytes like the seed's `recvfrom(1024)`.",
    );
  });

  it('§3 echoes binary bytes exactly, not only UTF-8 text', async () => {
    const server = await start();
    const peer = await UdpPeer.open({ name: 'the sender' });
    const payload = Buffer.from([
      ...Array.from({ length: 256 }, (_, i) => i),
      0xff,
      0xc3,
      0x28,
      0x00,
      0xe2,
      0x82,
    ]);
    await peer.send(payload, to(server));
    const reply = await peer.next('the echo of a binary datagram', WAIT_MS, REPLY_HINT);
    check(
      reply.data.equals(payload),
      `Expected the echo of 262 binary bytes (0x00…0xff, then invalid UTF-8) to be byte-exact, got ` +
        `${firstDifference(reply.data, payload)}. Decoding to a string and encoding it back replaces bytes ` +
        'that are not valid UTF-8: send the received Buffer back as it is.',
    );
  });

  it('§2 serves 50 senders at once, each gets its own datagram back', async () => {
    const server = await start();
    const peers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => UdpPeer.open({ name: `sender ${i}` })),
    );
    // All 50 leave before the server reads any: it finds them queued together.
    await Promise.all(peers.map((peer, i) => peer.send(`sender ${i} says hi`, to(server))));
    const replies = await Promise.allSettled(
      peers.map((peer) => peer.next(`the echo to ${peer.name}`, 2000)),
    );
    const problems: string[] = [];
    replies.forEach((r, i) => {
      if (r.status === 'rejected') problems.push(`sender ${i} got no reply`);
      else if (r.value.text !== `sender ${i} says hi`) problems.push(`sender ${i} got ${show(r.value.text)}`);
    });
    check(
      problems.length === 0,
      `Expected each of 50 senders to get its own text back; ${problems.length} did not (${problems
        .slice(0, 3)
        .join('; ')}${problems.length > 3 ? '; …' : ''}). Reply to each datagram's own \`rinfo\`, at once: ` +
        'a sender remembered in a shared variable is overwritten by the next datagram.',
    );
  });

  it('§7 logs `msg from: HOST:PORT` and the text of each datagram', async () => {
    const lines: string[] = [];
    const server = await start({ log: (line) => lines.push(line) });
    const peer = await UdpPeer.open({ name: 'the sender' });
    await peer.send('log me ✓', to(server));
    await peer.next('the echo of one datagram', WAIT_MS, REPLY_HINT);
    const from = `msg from: 127.0.0.1:${peer.port}`;
    check(
      lines.includes(from),
      `Expected a log line ${show(from)} (the sender's address and port), got ${show(lines)}.`,
    );
    check(
      lines.includes('From connected user: log me ✓'),
      `Expected a log line 'From connected user: log me ✓' (the datagram decoded as UTF-8), got ${show(lines)}.`,
    );
  });

  it('§1 binds the host and port it is given', async () => {
    let server: UdpEchoServer | undefined;
    let port = 0;
    // The port was free a moment ago; another process may take it first (then try another).
    for (let tries = 1; !server; tries++) {
      port = await freeUdpPort();
      const result = await within(
        settle(promiseFrom(() => startUdpEchoServer({ host: '127.0.0.1', port }), 'startUdpEchoServer()')),
        WAIT_MS,
        `\`startUdpEchoServer({ port: ${port} })\` to settle`,
      );
      if (result.ok) {
        server = result.value;
        const s = server;
        onCleanup(() =>
          within(Promise.resolve(s.close()), WAIT_MS, '`server.close()` to resolve after the test'),
        );
      } else {
        check(
          result.error.code === 'EADDRINUSE' && tries < 3,
          `Expected \`startUdpEchoServer({ port: ${port} })\` on a free port to resolve, it rejected with ${show(result.error)}.`,
        );
      }
    }
    check(
      server.port === port,
      `Expected \`port\` to be ${port} (the port given), got ${show(server.port)}.`,
    );
    const peer = await UdpPeer.open({ name: 'the sender' });
    await peer.send('on a chosen port', { port });
    const reply = await peer.next(
      `the echo from port ${port}`,
      WAIT_MS,
      'Bind the port given in the options.',
    );
    check(
      reply.text === 'on a chosen port',
      `Expected the echo 'on a chosen port', got ${show(reply.text)}.`,
    );
  });

  it('§1 §5 accepts port 65535, the highest port', async () => {
    const result = await within(
      settle(promiseFrom(() => startUdpEchoServer({ port: 65_535 }), 'startUdpEchoServer()')),
      WAIT_MS,
      '`startUdpEchoServer({ port: 65535 })` to settle',
    );
    if (!result.ok) {
      // Another program may hold the port: then the bind fails, but the port was not refused.
      check(
        result.error.name !== 'RangeError' && result.error.name !== 'TypeError',
        `Expected \`startUdpEchoServer({ port: 65535 })\` to be accepted (65535 is a valid port), it was refused ` +
          `with ${show(result.error)}. Ports go from 0 to 65535 inclusive.`,
      );
      return;
    }
    const server = result.value;
    onCleanup(() =>
      within(Promise.resolve(server.close()), WAIT_MS, '`server.close()` to resolve after the test'),
    );
    check(
      server.port === 65_535,
      `Expected \`port\` to be 65535 (the port given), got ${show(server.port)}.`,
    );
    const peer = await UdpPeer.open({ name: 'the sender' });
    await peer.send('top port', to(server));
    const reply = await peer.next('the echo from port 65535', WAIT_MS, REPLY_HINT);
    check(reply.text === 'top port', `Expected the echo 'top port', got ${show(reply.text)}.`);
  });

  it('§4 rejects with the EADDRINUSE error when the port is taken', async () => {
    const holder = await UdpPeer.open({ name: 'the socket holding the port' });
    const result = await within(
      settle(promiseFrom(() => startUdpEchoServer({ port: holder.port }), 'startUdpEchoServer()')),
      WAIT_MS,
      '`startUdpEchoServer()` to reject on a port in use',
      "Listen for the socket's `error` event while binding and reject with that error.",
    );
    if (result.ok) onCleanup(() => result.value.close());
    check(
      !result.ok && result.error.code === 'EADDRINUSE',
      `Expected \`startUdpEchoServer({ port: ${holder.port} })\` on a port in use to reject with code 'EADDRINUSE', ` +
        (result.ok
          ? `but it resolved (port ${show(result.value.port)}). Resolve only once the socket is bound.`
          : `got ${show(result.error)}. Reject with the socket's own error: it carries the code.`),
    );
  });

  it('§5 §8 rejects a bad port with RangeError, without throwing', async () => {
    const result = await within(
      settle(promiseFrom(() => startUdpEchoServer({ port: 70_000 }), 'startUdpEchoServer()')),
      WAIT_MS,
      '`startUdpEchoServer({ port: 70000 })` to reject',
    );
    if (result.ok) onCleanup(() => result.value.close());
    check(
      !result.ok && result.error.name === 'RangeError',
      `Expected \`startUdpEchoServer({ port: 70000 })\` to reject with a RangeError, ${
        result.ok ? 'but it resolved' : `got ${show(result.error)}`
      }.`,
    );
  });

  it('§6 close() frees its port', async () => {
    const server = await start();
    await checkClosesItsPort(server, 'server', WAIT_MS);
  });

  it('§6 close() is idempotent', async () => {
    const server = await start();
    const first = promiseFrom(() => server.close(), 'close()');
    const second = promiseFrom(() => server.close(), 'a second close()');
    const both = await within(
      Promise.all([settle(first), settle(second)]),
      WAIT_MS,
      'two calls of `close()` to resolve',
    );
    const third = await within(
      settle(promiseFrom(() => server.close(), 'a third close()')),
      WAIT_MS,
      'a third `close()`',
    );
    const failed = [...both, third].find((r) => !r.ok);
    check(
      !failed,
      `Expected every call of \`close()\` to resolve, one rejected with ${show(
        failed && !failed.ok ? failed.error : undefined,
      )}. A dgram socket throws when closed twice: keep the first close's promise and return it again.`,
    );
  });

  it('§5 refuses a bad `port` (-1, 70000, 1.5) with a RangeError', async () => {
    for (const port of [-1, 70_000, 1.5]) {
      checkBadArgument(
        await refusal(() => startUdpEchoServer({ port })),
        `\`startUdpEchoServer({ port: ${port} })\``,
        'port',
        'RangeError',
      );
    }
  });
});
