// UdpClient: the seed's UDP client, with timeouts, retries and answer matching. The servers here
// are fake ones built from plain dgram sockets (tests/helpers/udp-peer.ts), never the student's
// UdpEchoServer; tests/helpers/udp-proxy.ts loses, duplicates and delays datagrams between the
// two, by events rather than by time. Timeouts are short (50-100 ms) where the test waits them
// out, long where only a broken client would.
import { inspect } from 'node:util';
import { UdpClient, type UdpClientOptions, type UdpRequestOptions } from '@kata/05-udp/udp-client';
import { check, checkBadArgument, refusal, settle, show, within } from '../helpers/assert';
import { promiseFrom, track, type Tracked } from '../helpers/async';
import { onCleanup } from '../helpers/handles';
import {
  checkClosesItsPort,
  freeUdpPort,
  MAX_DATAGRAM,
  pollTurn,
  UdpPeer,
  udpBindings,
  type Datagram,
  type UdpAddress,
} from '../helpers/udp-peer';
import { startStranger, startUdpProxy } from '../helpers/udp-proxy';

const WAIT_MS = 1000;
const NO_RETRY_HINT =
  'After `timeoutMs` without the answer, send the datagram again (up to `retries` more times).';

/** Opens a client (closed after the test) and checks the port it reports. */
async function open(options?: UdpClientOptions): Promise<UdpClient> {
  const client = await within(
    promiseFrom(() => UdpClient.open(options), 'UdpClient.open()'),
    WAIT_MS,
    '`UdpClient.open()` to resolve',
    'It resolves once the socket is bound: in the `bind()` callback or on the `listening` event.',
  );
  onCleanup(() =>
    within(
      promiseFrom(() => client.close(), 'close()'),
      WAIT_MS,
      '`client.close()` after the test',
    ),
  );
  check(
    Number.isInteger(client.port) && client.port > 0,
    `Expected \`port\` to be the port the socket is bound to (an integer > 0), got ${show(client.port)}. ` +
      'With port 0 the OS picks one: read it back with `socket.address().port` once bound.',
  );
  return client;
}

/**
 * A fake server: echoes each datagram for which `answer(datagram, n)` is true (n counts from 1;
 * by default it answers all), and records every datagram in `received`.
 */
function fakeServer(answer: (d: Datagram, n: number) => boolean = () => true, name = 'the fake server') {
  return UdpPeer.open({
    name,
    onMessage: (d, peer) => {
      if (answer(d, peer.received.length)) void peer.echo(d);
    },
  });
}

/**
 * A server that never answers, and `tooMany`: a promise that rejects as soon as the server gets
 * one datagram more than `attempts` (1 + retries). That datagram already proves the client
 * retries too often, and a client that retries for ever would otherwise be caught only by the
 * wait for its request to settle. Race it with that wait.
 */
async function silentServer(attempts: number, shown: string) {
  let fail: (error: Error) => void = () => undefined;
  const tooMany = new Promise<never>((_, reject) => (fail = reject));
  tooMany.catch(() => undefined); // a test whose request settles in time never awaits it
  const server = await fakeServer((_d, n) => {
    if (n === attempts + 1) {
      fail(
        new Error(
          `Expected a request to a silent server with ${shown} to send ${attempts} datagram(s) (1 + retries) and then reject, ` +
            `but the server got datagram ${n}. After the last attempt times out, reject: do not retry forever.`,
        ),
      );
    }
    return false;
  }, 'a server that never answers');
  return { server, tooMany };
}

/** `client.request(...)`, which must return a promise. */
function request(client: UdpClient, message: string, server: UdpAddress, options?: UdpRequestOptions) {
  return promiseFrom(() => client.request(message, server, options), 'request()');
}

/** A request that must resolve with `message` itself (the echo) within `ms`. */
async function expectEcho(
  client: UdpClient,
  message: string,
  server: UdpAddress,
  options: UdpRequestOptions | undefined,
  what: string,
  hint = '',
  ms = WAIT_MS + 1000,
): Promise<void> {
  const result = await within(settle(request(client, message, server, options)), ms, what, hint);
  check(
    result.ok,
    () =>
      `Expected \`request(${inspect(message)})\` to resolve with its echo, it rejected with ${show(!result.ok && result.error)}. ${hint}`,
  );
  check(
    result.value === message,
    `Expected \`request(${inspect(message)})\` to resolve with ${show(message)}, got ${show(result.value)}. ${hint}`,
  );
}

/** Active ref'd timers in this process (what keeps it alive). */
const timerCount = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

/**
 * A request to a silent server, timed against its configured timeout: when each datagram
 * reached the server and when the request rejected, in ms after the call. It must reject before
 * a test timer of `refMs` started with it fires (the test fails then, without waiting on). Timers
 * fire in the order of their deadlines even on a busy machine, so "before a timer of refMs" is an
 * upper bound that holds under load; lower bounds hold because a timer never fires early.
 */
async function timedSilentRequest(client: UdpClient, options: UdpRequestOptions, refMs: number) {
  const arrivals: number[] = [];
  let started = 0;
  const server = await UdpPeer.open({
    name: 'a server that never answers',
    onMessage: () => void arrivals.push(performance.now() - started),
  });
  const shown = inspect(options, { breakLength: Infinity });
  started = performance.now();
  let settledAt = 0;
  const pending = track(
    request(client, 'tick', server.address, options).finally(() => {
      settledAt = performance.now() - started;
    }),
  );
  // Still pending when the timer of refMs fires: it has failed already, no need to wait on.
  let late: (error: Error) => void = () => undefined;
  const lateness = new Promise<never>((_, reject) => (late = reject));
  const ref = setTimeout(() => {
    if (pending.settled) return;
    late(
      new Error(
        `Expected a request to a silent server with ${shown} to reject before a timer of ${refMs} ms started with it, ` +
          'but it was still pending then. Use the `timeoutMs` option (default 500) for every wait, not a fixed value, ' +
          'and reject once the last attempt has timed out: do not retry forever.',
      ),
    );
  }, refMs);
  const result = await Promise.race([settle(pending.promise), lateness]).finally(() => clearTimeout(ref));
  await pollTurn(); // the datagrams sent before the rejection have been read
  const tolerance = 5; // ms: timers run on a millisecond clock
  return {
    /** `count` datagrams reached the server, the k-th (from 0) no sooner than k × timeoutMs. */
    checkAttempts(count: number, timeoutMs: number) {
      check(
        arrivals.length === count,
        `Expected ${count} datagram(s) (1 + retries) to reach a silent server with ${shown}, got ${arrivals.length}. ` +
          '`retries` counts the resends after the first attempt (default 3).',
      );
      const early = arrivals.findIndex((at, k) => at < k * timeoutMs - tolerance);
      check(
        early < 0,
        `Expected datagram ${early + 1} no sooner than ${early * timeoutMs} ms after the call (${early} × timeoutMs ` +
          `${timeoutMs}) with ${shown}, it came after ${Math.round(arrivals[early])} ms (all: ${arrivals
            .map(Math.round)
            .join(', ')} ms). Resend only after a whole \`timeoutMs\` without the answer.`,
      );
    },
    /** The request rejected, no sooner than `count` × timeoutMs (and before the timer of refMs). */
    checkRejected(count: number, timeoutMs: number) {
      check(
        !result.ok,
        `Expected a request to a silent server to reject, it resolved with ${show(result.ok && result.value)}.`,
      );
      const total = count * timeoutMs;
      check(
        settledAt >= total - tolerance,
        `Expected the rejection no sooner than ${total} ms (${count} attempt(s) × timeoutMs ${timeoutMs}) with ${shown}, ` +
          `it came after ${Math.round(settledAt)} ms. Wait \`timeoutMs\` (default 500) after each attempt, the last one too.`,
      );
    },
  };
}

describe('UdpClient', () => {
  it('§1 opens on 127.0.0.1 and a free port by default', async () => {
    const client = await open();
    const bound = udpBindings().filter((b) => b.port === client.port);
    check(
      bound.length > 0 && bound.every((b) => b.address === '127.0.0.1'),
      `Expected the client's socket to be bound to 127.0.0.1:${client.port}, found ${show(bound)}. ` +
        "Bind `{ address: host, port }` with '127.0.0.1' and 0 as the defaults.",
    );
  });

  it('§1 binds the port given to open()', async () => {
    let client: UdpClient | undefined;
    let port = 0;
    // The port was free a moment ago; another process may take it first (then try another).
    for (let tries = 1; !client; tries++) {
      port = await freeUdpPort();
      const result = await within(
        settle(promiseFrom(() => UdpClient.open({ port }), 'UdpClient.open()')),
        WAIT_MS,
        `\`UdpClient.open({ port: ${port} })\` to settle`,
      );
      if (result.ok) {
        client = result.value;
        const c = client;
        onCleanup(() => within(Promise.resolve(c.close()), WAIT_MS, '`client.close()` after the test'));
      } else {
        check(
          result.error.code === 'EADDRINUSE' && tries < 3,
          `Expected \`UdpClient.open({ port: ${port} })\` on a free port to resolve, it rejected with ${show(result.error)}.`,
        );
      }
    }
    check(
      client.port === port,
      `Expected \`port\` to be ${port} (the port given to \`open()\`), got ${show(client.port)}.`,
    );
    const server = await fakeServer();
    await expectEcho(
      client,
      'from a chosen port',
      server.address,
      { timeoutMs: 1000, retries: 0 },
      'the echo',
    );
    check(
      server.received[0].port === port,
      `Expected the request to come from port ${port}, it came from port ${server.received[0].port}. ` +
        'Bind the `port` option given to `open()`, and send every request from that one socket.',
    );
  });

  it('§2 open() rejects with the EADDRINUSE error when the port is taken', async () => {
    const holder = await UdpPeer.open({ name: 'the socket holding the port' });
    const result = await within(
      settle(promiseFrom(() => UdpClient.open({ port: holder.port }), 'UdpClient.open()')),
      WAIT_MS,
      '`UdpClient.open()` to reject on a port in use',
      "Listen for the socket's `error` event while binding and reject with that error.",
    );
    if (result.ok) onCleanup(() => result.value.close());
    check(
      !result.ok && result.error.code === 'EADDRINUSE',
      `Expected \`UdpClient.open({ port: ${holder.port} })\` on a port in use to reject with code 'EADDRINUSE', ` +
        (result.ok ? 'but it resolved.' : `got ${show(result.error)}. Reject with the socket's own error.`),
    );
  });

  it('§3 resolves with the echo, sent from its own port', async () => {
    const client = await open();
    const server = await fakeServer();
    const message = 'hello, udp ✓ héllo';
    await expectEcho(
      client,
      message,
      server.address,
      { timeoutMs: 1000, retries: 0 },
      'the echo of one request',
      'Send `Buffer.from(message)` to the server and resolve when its echo arrives.',
    );
    const got = server.received[0];
    check(got.text === message, `Expected the server to receive ${show(message)}, got ${show(got.text)}.`);
    check(
      got.port === client.port,
      `Expected the request to come from \`client.port\` (${client.port}), it came from port ${got.port}. ` +
        'Send every request from the socket `open()` bound.',
    );
  });

  it('§5 allows concurrent requests, each gets its own echo', async () => {
    const client = await open();
    const server = await fakeServer();
    const messages = ['one', 'two', 'three'];
    const results = await within(
      Promise.all(
        messages.map((m) => settle(request(client, m, server.address, { timeoutMs: 1000, retries: 1 }))),
      ),
      WAIT_MS * 3,
      'three concurrent requests to settle',
    );
    const got = results.map((r) => (r.ok ? r.value : `rejected: ${r.error.message}`));
    check(
      messages.every((m, i) => got[i] === m),
      `Expected three concurrent requests to resolve with ${show(messages)}, got ${show(got)}. ` +
        'Keep every pending request (not just the last one) and match each echo to its own request.',
    );
  });

  it('§6 resends when the first datagram is lost', async () => {
    const client = await open();
    const server = await fakeServer();
    const proxy = await startUdpProxy(server.address, { toServer: ['drop'] });
    await expectEcho(
      client,
      'lost once',
      proxy.address,
      { timeoutMs: 50, retries: 3 },
      'the echo of a request whose first datagram was lost',
      NO_RETRY_HINT,
    );
    check(
      proxy.count('toServer') >= 2,
      `Expected a resend after the first datagram was lost; the proxy saw: ${proxy.history()}.`,
    );
  });

  it('§6 resends when the reply is lost', async () => {
    const client = await open();
    const server = await fakeServer();
    const proxy = await startUdpProxy(server.address, { toClient: ['drop'] });
    await expectEcho(
      client,
      'reply lost once',
      proxy.address,
      { timeoutMs: 50, retries: 3 },
      'the echo of a request whose first reply was lost',
      NO_RETRY_HINT,
    );
  });

  it('§8 rejects after 1 + retries attempts, with a message naming them', async () => {
    const client = await open();
    const { server, tooMany } = await silentServer(3, 'timeoutMs 50, retries 2');
    const result = await Promise.race([
      within(
        settle(request(client, 'anyone there?', server.address, { timeoutMs: 50, retries: 2 })),
        3 * 50 + 2000,
        'a request to a silent server (timeoutMs 50, retries 2) to reject',
        'After the last attempt times out, reject: do not retry forever.',
      ),
      tooMany,
    ]);
    check(
      !result.ok,
      `Expected a request to a silent server to reject, it resolved with ${show(result.ok && result.value)}.`,
    );
    const message = result.error.message;
    check(
      /attempt/i.test(message) && /(^|\D)3(\D|$)/.test(message),
      `Expected the rejection to name the attempts and their total, 3 (1 + retries 2), e.g. "no reply after 3 attempts"; got ${show(message)}.`,
    );
  });

  it('§6 sends exactly 1 + retries datagrams to a silent server', async () => {
    const client = await open();
    const { server, tooMany } = await silentServer(3, 'timeoutMs 50, retries 2');
    await Promise.race([
      within(
        settle(request(client, 'count me', server.address, { timeoutMs: 50, retries: 2 })),
        3 * 50 + 2000,
        'a request to a silent server (timeoutMs 50, retries 2) to settle',
        'After the last attempt times out, reject: do not retry forever.',
      ),
      tooMany,
    ]);
    // Every datagram sent before the rejection has reached the server's socket by now (loopback
    // delivers within the send call); let its 'message' events run.
    await pollTurn();
    check(
      server.received.length === 3,
      `Expected exactly 3 datagrams (1 + retries 2) to reach a silent server, got ${server.received.length}. ` +
        '`retries` counts the resends after the first attempt.',
    );
  });

  it('§6 §8 retries: 0 sends once and rejects after that one attempt', async () => {
    const client = await open();
    const { server, tooMany } = await silentServer(1, 'timeoutMs 50, retries 0');
    const result = await Promise.race([
      within(
        settle(request(client, 'just once', server.address, { timeoutMs: 50, retries: 0 })),
        50 + 2000,
        'a request with retries 0 to a silent server to reject',
      ),
      tooMany,
    ]);
    await pollTurn();
    check(!result.ok, 'Expected a request to a silent server to reject, it resolved.');
    check(
      server.received.length === 1,
      `Expected exactly 1 datagram with \`retries: 0\`, the server got ${server.received.length}.`,
    );
    check(
      /attempt/i.test(result.error.message) && /(^|\D)1(\D|$)/.test(result.error.message),
      `Expected the rejection to name the attempts and their total, 1; got ${show(result.error.message)}.`,
    );
  });

  it('§6 waits timeoutMs for the answer to its last attempt too', async () => {
    const client = await open();
    // Only the last attempt (the 2nd) is answered, at once.
    const server = await fakeServer((_d, n) => n === 2, 'a server that answers only the 2nd attempt');
    await expectEcho(
      client,
      'last chance',
      server.address,
      { timeoutMs: 300, retries: 1 },
      'the echo of the last attempt',
      'After the last attempt, wait `timeoutMs` for its answer before rejecting.',
    );
  });

  it('§6 §8 waits timeoutMs for each attempt: 4 × 25 ms, then rejects', async () => {
    const client = await open();
    const t = await timedSilentRequest(client, { timeoutMs: 25, retries: 3 }, 400);
    t.checkAttempts(4, 25);
    t.checkRejected(4, 25);
  });

  it('§6 waits timeoutMs for each attempt, whatever it is: 1 × 200 ms', async () => {
    const client = await open();
    const t = await timedSilentRequest(client, { timeoutMs: 200, retries: 0 }, 700);
    t.checkAttempts(1, 200);
    t.checkRejected(1, 200);
  });

  it('§6 timeoutMs defaults to 500', async () => {
    const client = await open();
    const t = await timedSilentRequest(client, { retries: 0 }, 950);
    t.checkAttempts(1, 500);
    t.checkRejected(1, 500);
  });

  it('§6 §8 retries defaults to 3: 4 attempts', async () => {
    const client = await open();
    const t = await timedSilentRequest(client, { timeoutMs: 25 }, 400);
    t.checkAttempts(4, 25);
    t.checkRejected(4, 25);
  });

  it('§3 §6 options are optional (the defaults apply)', async () => {
    const client = await open();
    const server = await fakeServer();
    await expectEcho(
      client,
      'no options',
      server.address,
      undefined,
      'the echo of `request(message, server)` without options',
      '`options` is optional: default `timeoutMs` to 500 and `retries` to 3.',
    );
  });

  it('§7 timeoutMs: Infinity waits for ever: one datagram, no resend, then the answer', async () => {
    const client = await open();
    const arrivals: Datagram[] = [];
    const server = await UdpPeer.open({
      name: 'a server that answers late',
      onMessage: (d) => void arrivals.push(d),
    });
    const pending = track(request(client, 'patience', server.address, { timeoutMs: Infinity, retries: 2 }));
    // Longer than the default timeoutMs (500): neither a timer of 1 ms (what setTimeout makes of
    // Infinity) nor the default may fire.
    await new Promise<void>((resolve) => setTimeout(resolve, 600));
    await pollTurn();
    check(
      arrivals.length === 1 && !pending.settled,
      `Expected \`timeoutMs: Infinity\` to send one datagram and wait, pending, for the answer; after 600 ms the ` +
        `server had ${arrivals.length} datagram(s) and the request had ${
          pending.settled ? (pending.ok ? 'resolved' : `rejected with ${show(pending.error)}`) : 'not settled'
        }. \`setTimeout(fn, Infinity)\` fires after 1 ms: with Infinity, start no timer at all.`,
    );
    await server.echo(arrivals[0]);
    const result = await within(
      settle(pending.promise),
      WAIT_MS,
      'the late answer to a `timeoutMs: Infinity` request',
    );
    check(
      result.ok && result.value === 'patience',
      `Expected the request to resolve with 'patience' once the answer came, got ${show(result.ok ? result.value : result.error)}.`,
    );
  });

  it('§3 sends to 127.0.0.1 when the server address has no host', async () => {
    const client = await open();
    const server = await fakeServer();
    await expectEcho(
      client,
      'no host given',
      { port: server.port },
      { timeoutMs: 1000, retries: 0 },
      'the echo from a server given as `{ port }` only',
      "`server.host` defaults to '127.0.0.1': send there, and accept the reply from 127.0.0.1.",
    );
  });

  it('§3 accepts a server host name (localhost), matching replies by its address', async () => {
    const client = await open();
    const server = await fakeServer();
    await expectEcho(
      client,
      'by name',
      { host: 'localhost', port: server.port },
      { timeoutMs: 1000, retries: 0 },
      "the echo from a server given as `{ host: 'localhost' }`",
      "Replies come from an address (`rinfo.address` is '127.0.0.1', never 'localhost'): look the name " +
        "up (`dns.lookup()`, IPv4 for a udp4 socket) and compare the reply's sender with that address.",
    );
  });

  it('§12 accepts server port 65535, the highest port', async () => {
    const client = await open();
    // A fake server on port 65535 if it is free (it answers); otherwise nobody answers there.
    const server = await settle(
      UdpPeer.open({
        name: 'a fake server on port 65535',
        port: 65_535,
        onMessage: (d, peer) => void peer.echo(d),
      }),
    );
    const result = await within(
      settle(request(client, 'top port', { port: 65_535 }, { timeoutMs: server.ok ? 1000 : 50, retries: 0 })),
      WAIT_MS + 1000,
      'a request to port 65535 to settle',
    );
    check(
      result.ok || (result.error.name !== 'RangeError' && result.error.name !== 'TypeError'),
      `Expected \`request('top port', { port: 65535 })\` to be accepted (65535 is a valid port), it was refused with ${show(
        !result.ok && result.error,
      )}. Ports go from 1 to 65535 inclusive.`,
    );
    if (server.ok) {
      check(
        result.ok && result.value === 'top port',
        `Expected the echo 'top port' from a fake server on port 65535, got ${show(result.ok ? result.value : result.error)}.`,
      );
    }
  });

  it('§9 rejects with the send error, keeping its code, when the message is too big for a datagram', async () => {
    const client = await open();
    const server = await fakeServer();
    const tooBig = 'x'.repeat(MAX_DATAGRAM + 1);
    const result = await within(
      settle(request(client, tooBig, server.address, { timeoutMs: 10_000, retries: 0 })),
      WAIT_MS,
      'a request whose datagram is too big to send to reject',
      "Pass a callback to `socket.send()` and reject the request with its error (here `EMSGSIZE`): it won't be answered.",
    );
    check(
      !result.ok && result.error.code === 'EMSGSIZE',
      `Expected a request of ${MAX_DATAGRAM + 1} bytes (1 more than a UDP datagram holds) to reject with the send ` +
        `error, code 'EMSGSIZE', got ${result.ok ? 'a reply' : show(result.error)}. Reject with the error \`socket.send()\` ` +
        'hands its callback: socket errors keep their `code`.',
    );
  });

  it("§4 ignores the same text sent from another address on the server's port", async () => {
    const client = await open();
    // A stranger on 127.0.0.2 (also this machine, on Linux) with the server's port number.
    const watched: { pending?: Tracked<string> } = {};
    let settledEarly: boolean | undefined;
    let strangerSent = false;
    const server = await UdpPeer.open({
      name: 'the fake server',
      onMessage: async (d, peer) => {
        if (peer.received.length > 1) return void peer.echo(d); // a resend
        const other = await settle(
          UdpPeer.open({ name: 'a stranger on 127.0.0.2', host: '127.0.0.2', port: peer.port }),
        );
        if (other.ok) {
          strangerSent = await other.value.send(d.data, { host: d.address, port: d.port }).then(
            () => true,
            () => false,
          );
          await pollTurn();
          settledEarly = watched.pending?.settled;
        }
        void peer.echo(d);
      },
    });
    const pending = (watched.pending = track(
      request(client, 'which address?', server.address, { timeoutMs: 2000, retries: 0 }),
    ));
    const result = await within(
      settle(pending.promise),
      WAIT_MS * 3,
      "the server's echo (after a stranger's copy from 127.0.0.2)",
    );
    // Where 127.0.0.2 cannot be bound (macOS has only 127.0.0.1), there was no stranger to ignore.
    if (strangerSent) {
      check(
        settledEarly === false,
        `Expected the request to wait for the server's own echo, but it ${
          result.ok ? `resolved with ${show(result.value)}` : 'settled'
        } as soon as a stranger on 127.0.0.2 sent the same text from the server's port number (${server.port}). ` +
          "Accept a datagram only when its sender's address AND port (`rinfo`) are the server's.",
      );
    }
    check(
      result.ok && result.value === 'which address?',
      `Expected the request to resolve with 'which address?' (the server's echo), got ${show(
        result.ok ? result.value : result.error,
      )}.`,
    );
  });

  it('§4 ignores the same text sent back from another port (a stranger)', async () => {
    const client = await open();
    const stranger = await startStranger();
    // The server holds its echo until a stranger has sent the same text from another port and the
    // client has read it (a poll turn later). A request settled by then believed the stranger.
    let settledEarly: boolean | undefined;
    const watched: { pending?: Tracked<string> } = {};
    const server = await UdpPeer.open({
      name: 'the fake server',
      onMessage: async (d, peer) => {
        if (peer.received.length > 1) return void peer.echo(d); // a resend
        await stranger.echo(d);
        await pollTurn();
        settledEarly = watched.pending?.settled;
        void peer.echo(d);
      },
    });
    const pending = (watched.pending = track(
      request(client, 'who answered?', server.address, { timeoutMs: 2000, retries: 0 }),
    ));
    const result = await within(
      settle(pending.promise),
      WAIT_MS * 3,
      "the server's echo (after a stranger's copy from another port)",
    );
    check(
      settledEarly === false,
      `Expected the request to wait for the server's own echo, but it ${
        result.ok ? `resolved with ${show(result.value)}` : 'settled'
      } as soon as a stranger (port ${stranger.port}) sent the same text back. Accept a datagram only when its ` +
        "sender's address AND port (`rinfo`) are the server's.",
    );
    check(
      result.ok && result.value === 'who answered?',
      `Expected the request to resolve with 'who answered?' (the server's echo), got ${show(
        result.ok ? result.value : result.error,
      )}.`,
    );
  });

  it("§4 ignores a stranger's datagram with other text", async () => {
    const client = await open();
    const stranger = await startStranger();
    const server = await UdpPeer.open({
      name: 'the fake server',
      onMessage: async (d, peer) => {
        await stranger.send('not for you', { host: d.address, port: d.port }).catch(() => {}); // arrives first
        void peer.echo(d);
      },
    });
    await expectEcho(
      client,
      'for me',
      server.address,
      { timeoutMs: 1000, retries: 0 },
      "the server's echo (after a stranger's datagram)",
      "A datagram from anyone but the server, or that is not this request's echo, is not the answer: drop it and keep waiting.",
    );
  });

  it('§4 ignores a duplicate of the previous reply', async () => {
    const client = await open();
    const server = await fakeServer();
    // The echo of the first request is delivered, and a copy of it again just before the second
    // request reaches the server.
    const proxy = await startUdpProxy(server.address, { toClient: [{ dupUntil: { toServer: 'second' } }] });
    const options = { timeoutMs: 1000, retries: 1 };
    await expectEcho(client, 'first', proxy.address, options, 'the echo of the first request');
    await expectEcho(
      client,
      'second',
      proxy.address,
      options,
      'the echo of the second request',
      "A duplicate of an earlier reply arrived first: accept only a datagram that echoes this request's bytes.",
    );
    check(
      proxy.released === 1,
      `Expected the proxy to have delivered the duplicate; it saw: ${proxy.history()}.`,
    );
  });

  it('§4 ignores a late reply to the previous request', async () => {
    const client = await open();
    const server = await fakeServer();
    // The echo of the first attempt is held back; the client resends and gets the second echo.
    // The held one is delivered just before the next request reaches the server.
    const proxy = await startUdpProxy(server.address, { toClient: [{ delayUntil: { toServer: 'second' } }] });
    await expectEcho(
      client,
      'first',
      proxy.address,
      { timeoutMs: 100, retries: 3 },
      'the echo of the first request (its first reply held back)',
      NO_RETRY_HINT,
    );
    await expectEcho(
      client,
      'second',
      proxy.address,
      { timeoutMs: 1000, retries: 1 },
      'the echo of the second request',
      "A late reply to the first request arrived first: accept only a datagram that echoes this request's bytes.",
    );
    check(
      proxy.released === 1,
      `Expected the proxy to have delivered the late reply; it saw: ${proxy.history()}.`,
    );
  });

  it('§10 close() rejects pending requests', async () => {
    const client = await open();
    const server = await fakeServer(() => false, 'a server that never answers');
    const pending = settle(
      request(client, 'still waiting', server.address, { timeoutMs: 10_000, retries: 0 }),
    );
    await server.waitForCount(1, 'the request to reach the server');
    await within(
      promiseFrom(() => client.close(), 'close()'),
      WAIT_MS,
      '`close()` to resolve',
    );
    const result = await within(
      pending,
      WAIT_MS,
      'the pending request to reject after `close()`',
      'Reject every pending request in `close()`: nobody will answer them now.',
    );
    check(
      !result.ok,
      `Expected the pending request to reject after \`close()\`, it resolved with ${show(result.ok && result.value)}.`,
    );
    check(
      /closed/.test(String(result.error?.message)),
      `Expected the pending request to reject with an Error whose message contains "closed", got ${show(result.error)}.`,
    );
  });

  it('§10 close() stops every retry timer', async () => {
    const client = await open();
    const server = await fakeServer(() => false, 'a server that never answers');
    const before = timerCount();
    const pending = settle(request(client, 'tick tock', server.address, { timeoutMs: 5000, retries: 3 }));
    await server.waitForCount(1, 'the request to reach the server');
    await within(
      promiseFrom(() => client.close(), 'close()'),
      WAIT_MS,
      '`close()` to resolve',
    );
    await within(pending, WAIT_MS, 'the pending request to settle after `close()`');
    const after = timerCount();
    check(
      after <= before,
      `Expected no timer left once \`close()\` resolved, found ${after - before} more than before the request. ` +
        '`clearTimeout()` the retry timer of every pending request when closing.',
    );
  });

  it('§10 close() frees its port', async () => {
    const client = await open();
    await checkClosesItsPort(client, 'client', WAIT_MS);
  });

  it('§10 close() is idempotent', async () => {
    const client = await open();
    const both = await within(
      Promise.all([
        settle(promiseFrom(() => client.close(), 'close()')),
        settle(promiseFrom(() => client.close(), 'a second close()')),
      ]),
      WAIT_MS,
      'two calls of `close()` to resolve',
    );
    const third = await within(
      settle(promiseFrom(() => client.close(), 'a third close()')),
      WAIT_MS,
      'a third `close()`',
    );
    const failed = [...both, third].find((r) => !r.ok);
    check(
      !failed,
      `Expected every call of \`close()\` to resolve, one rejected with ${show(failed && !failed.ok ? failed.error : undefined)}. ` +
        'A dgram socket throws when closed twice: keep the first close promise and return it again.',
    );
  });

  it('§11 request() after close() rejects', async () => {
    const client = await open();
    const server = await fakeServer();
    await within(
      promiseFrom(() => client.close(), 'close()'),
      WAIT_MS,
      '`close()` to resolve',
    );
    const result = await within(
      settle(request(client, 'too late', server.address, { timeoutMs: 50, retries: 0 })),
      WAIT_MS,
      '`request()` on a closed client to settle',
    );
    check(
      !result.ok,
      `Expected \`request()\` on a closed client to reject, it resolved with ${show(result.ok && result.value)}.`,
    );
    check(
      /closed/.test(String(result.error?.message)),
      `Expected \`request()\` on a closed client to reject with an Error whose message contains "closed", got ${show(result.error)}. ` +
        'Check whether the client is closed before sending: a closed socket would throw its own error ("Not running").',
    );
    await pollTurn();
    check(
      server.received.length === 0,
      `Expected a closed client to send nothing, the server got ${show(server.received.map((d) => d.text))}.`,
    );
  });

  it('§11 close() while a server name is being looked up rejects the request, sending nothing', async () => {
    const client = await open();
    const server = await fakeServer();
    // 'localhost' needs a lookup (an address would not): close() comes while it is under way.
    const pending = settle(
      request(
        client,
        'closed mid-lookup',
        { host: 'localhost', port: server.port },
        { timeoutMs: 10_000, retries: 0 },
      ),
    );
    await within(
      promiseFrom(() => client.close(), 'close()'),
      WAIT_MS,
      '`close()` to resolve',
    );
    const result = await within(
      pending,
      WAIT_MS,
      'a request whose server name was still being looked up to reject after `close()`',
      'After any `await` in `request()`, check again whether the client was closed meanwhile.',
    );
    check(
      !result.ok,
      `Expected the request to reject once \`close()\` was called during its lookup, it resolved with ${show(result.ok && result.value)}.`,
    );
    check(
      /closed/.test(String(result.error?.message)),
      `Expected the request to reject with an Error whose message contains "closed", got ${show(result.error)}.`,
    );
    await pollTurn();
    check(
      server.received.length === 0,
      `Expected nothing sent after \`close()\`, the server got ${show(server.received.map((d) => d.text))}. ` +
        'Check whether the client was closed after the lookup, before sending.',
    );
  });

  it('§12 §13 rejects a bad server port with RangeError, without throwing', async () => {
    const client = await open();
    const result = await within(
      settle(request(client, 'nowhere', { port: 70_000 }, { timeoutMs: 50, retries: 0 })),
      WAIT_MS,
      '`request()` to port 70000 to settle',
    );
    check(
      !result.ok && result.error.name === 'RangeError',
      `Expected \`request('nowhere', { port: 70000 })\` to reject with a RangeError, ${
        result.ok ? 'but it resolved' : `got ${show(result.error)}`
      }.`,
    );
  });

  it('§12 refuses bad arguments: `port`, `message`, `retries`, `timeoutMs`, `server`', async () => {
    for (const port of [-1, 70_000, 1.5]) {
      checkBadArgument(
        await refusal(() => UdpClient.open({ port })),
        `\`UdpClient.open({ port: ${port} })\``,
        'port',
        'RangeError',
      );
    }
    const client = await open();
    const nowhere = { port: 9 }; // never answered: a request that is not refused fails by timing out
    checkBadArgument(
      await refusal(() => client.request(42 as unknown as string, nowhere, { timeoutMs: 50, retries: 0 })),
      '`request(42, …)` (not a string)',
      'message',
      'TypeError',
    );
    checkBadArgument(
      await refusal(() =>
        client.request([104, 105] as unknown as string, nowhere, { timeoutMs: 50, retries: 0 }),
      ),
      '`request([104, 105], …)` (bytes, not a string)',
      'message',
      'TypeError',
    );
    for (const retries of [-1, 1.5]) {
      checkBadArgument(
        await refusal(() => client.request('x', nowhere, { timeoutMs: 50, retries })),
        `\`request('x', server, { retries: ${retries} })\``,
        'retries',
        'RangeError',
      );
    }
    for (const timeoutMs of [NaN, 0, -1]) {
      checkBadArgument(
        await refusal(() => client.request('x', nowhere, { timeoutMs, retries: 0 })),
        `\`request('x', server, { timeoutMs: ${timeoutMs} })\``,
        'timeoutMs',
      );
    }
    checkBadArgument(
      await refusal(() => client.request('x', nowhere, { timeoutMs: '50' as unknown as number, retries: 0 })),
      "`request('x', server, { timeoutMs: '50' })` (a string)",
      'timeoutMs',
    );
    for (const port of [70_000, 1.5]) {
      checkBadArgument(
        await refusal(() => client.request('x', { port }, { timeoutMs: 50, retries: 0 })),
        `\`request('x', { port: ${port} })\``,
        'port',
        'RangeError',
      );
    }
    checkBadArgument(
      await refusal(() =>
        client.request('x', undefined as unknown as UdpAddress, { timeoutMs: 50, retries: 0 }),
      ),
      "`request('x', undefined)` (no server)",
      'server',
    );
  });
});
