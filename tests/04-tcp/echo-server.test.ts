// EchoServer: the seed's TCP server, done right. The student's server runs on jest's thread (it is
// async code: it cannot block, only fail to answer); the tests talk to it through raw sockets
// (tests/helpers/tcp-raw.ts), sometimes through a proxy that cuts the stream into 1-byte or
// mid-character pieces (tests/helpers/tcp-proxy.ts). Every wait is bounded and names what never came.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as os from 'node:os';
import { describe, it } from '@jest/globals';
import { startEchoServer, type EchoServer } from '@kata/04-tcp/echo-server';
import { check, settle, show, waitUntil, within } from '../helpers/assert';
import { promiseFrom } from '../helpers/async';
import { onCleanup } from '../helpers/handles';
import { startTcpProxy } from '../helpers/tcp-proxy';
import {
  canConnect,
  connectRaw,
  freePort,
  preview,
  startTestServer,
  type RawClient,
} from '../helpers/tcp-raw';

const WAIT_MS = 1500;

/** Starts the student's server (it must resolve within WAIT_MS) and closes it after the test. */
async function start(options?: Parameters<typeof startEchoServer>[0]): Promise<EchoServer> {
  const server = await within(
    promiseFrom(() => startEchoServer(options), 'startEchoServer()'),
    WAIT_MS,
    '`startEchoServer()` to resolve',
    'It should resolve once the server listens (the `listen()` callback or the `listening` event).',
  );
  check(
    server && typeof server.port === 'number' && server.port > 0,
    () =>
      `Expected \`startEchoServer()\` to resolve with \`{ host, port, close }\` and a port > 0, got ${show(server)}.`,
  );
  onCleanup(() => within(server.close(), 2000, '`close()` after the test to resolve'));
  return server;
}

/** A raw client connected to the server (through `port`, which may be a proxy's). */
function connect(port: number): Promise<RawClient> {
  return connectRaw(port);
}

/** Adds `hint` to a failed wait's message. */
async function hinted<T>(promise: Promise<T>, hint: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw new Error(`${(error as Error).message} ${hint}`);
  }
}

/** Writes `data` and expects exactly the same bytes back. */
async function expectEcho(
  client: RawClient,
  data: string | Buffer,
  what: string,
  hint = '',
  timeoutMs = WAIT_MS,
): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  client.write(bytes);
  const got = await hinted(client.readBytes(bytes.length, what, timeoutMs), hint);
  check(got.equals(bytes), () => {
    let at = 0;
    while (got[at] === bytes[at]) at++;
    const around = (b: Buffer) => `<${b.subarray(at, at + 8).toString('hex')}>`;
    return (
      `Expected ${what} to be ${preview(bytes)} byte for byte, got ${preview(got)}: they differ from byte ${at} ` +
      `on (expected ${around(bytes)}, got ${around(got)}). ${hint}`
    );
  });
}

/** `n` random printable ASCII bytes. */
function randomText(n: number): Buffer {
  const bytes = randomBytes(n);
  for (let i = 0; i < n; i++) bytes[i] = 0x20 + (bytes[i] % 95);
  return bytes;
}

/** Local addresses other than 127.0.0.1 that a server bound to every interface would answer on. */
function otherLocalAddresses(): string[] {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  // 127.0.0.2 is loopback too on Linux (all of 127/8); elsewhere the attempt just fails.
  return ['127.0.0.2', ...external.slice(0, 3)];
}

describe('EchoServer', () => {
  it('§1 listens on 127.0.0.1 and a port chosen by the OS by default', async () => {
    const server = await start();
    check(
      server.host === '127.0.0.1',
      `Expected \`host\` to be \`'127.0.0.1'\` by default, got ${show(server.host)}. ` +
        "The seed's `''` means every interface: a kata server listens on 127.0.0.1 unless told otherwise.",
    );
    const client = await connect(server.port);
    await expectEcho(client, 'ping', 'the echo of `ping`');
  });

  it('§1 listens on the port it is given', async () => {
    const port = await freePort();
    const server = await start({ port });
    check(
      server.port === port,
      `Expected \`port\` to be ${port} (the one passed in), got ${show(server.port)}.`,
    );
    const client = await connect(port);
    await expectEcho(client, 'on my port', 'the echo on the given port');
  });

  it('§1 does not accept connections on other local addresses (binds 127.0.0.1, not every interface)', async () => {
    const server = await start();
    check(
      await canConnect('127.0.0.1', server.port),
      `Expected a connection to 127.0.0.1:${server.port} to work.`,
    );
    const accepted: string[] = [];
    await Promise.all(
      otherLocalAddresses().map(async (address) => {
        if (await canConnect(address, server.port, 500)) accepted.push(address);
      }),
    );
    check(
      accepted.length === 0,
      () =>
        `A connection to ${accepted.map((a) => `${a}:${server.port}`).join(', ')} was accepted: the server listens on ` +
        'every interface. Pass the host (default `127.0.0.1`) to `listen()`: without one, Node listens on `::` ' +
        '(every address), like the seed\'s `host = ""`.',
    );
  });

  it('§2 echoes each chunk at once, without waiting for a newline', async () => {
    const server = await start();
    const client = await connect(server.port);
    await expectEcho(
      client,
      'no newline here',
      'the echo of `no newline here` (sent without `\\n`)',
      'An echo server sends back every chunk as it arrives: TCP has no lines or messages to wait for.',
    );
  });

  it('§2 echoes binary data byte for byte, including bytes that are not valid UTF-8', async () => {
    const server = await start();
    const client = await connect(server.port);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const invalid = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0xe2, 0x82, 0x0a, 0xf0, 0x9f, 0x98]);
    await expectEcho(
      client,
      Buffer.concat([all, invalid, Buffer.from(all).reverse()]),
      'the echo of 523 binary bytes',
      'Write back the `Buffer` you received: decoding it to a string and encoding it again replaces ' +
        'bytes that are not UTF-8 with U+FFFD (`ef bf bd`).',
    );
  });

  it('§2 echoes a multi-byte character split between two chunks byte for byte', async () => {
    const server = await start();
    // Every character of more than one byte reaches the server in two or more chunks.
    const proxy = await startTcpProxy({ port: server.port }, { toTarget: 'utf8' });
    const client = await connect(proxy.port);
    await expectEcho(
      client,
      'naïve café: 5 € 😀',
      'the echo of `naïve café: 5 € 😀` (each character split between chunks)',
      'Decoding each chunk on its own (`chunk.toString()`) turns half a character into U+FFFD: echo the bytes.',
    );
  });

  it('§2 echoes a stream that arrives one byte at a time', async () => {
    const server = await start();
    const proxy = await startTcpProxy({ port: server.port }, { toTarget: 'bytes' });
    const client = await connect(proxy.port);
    await expectEcho(
      client,
      'one byte at a time',
      'the echo of `one byte at a time` (sent in 1-byte chunks)',
    );
  });

  it('§2 echoes 256 KiB that arrive in random pieces, byte for byte', async () => {
    const server = await start();
    const proxy = await startTcpProxy({ port: server.port }, { toTarget: { seed: 42, maxChunk: 8192 } });
    const client = await connect(proxy.port);
    await expectEcho(client, randomBytes(256 * 1024), 'the echo of 256 KiB of random bytes');
  });

  it('§3 serves a second client while the first stays connected', async () => {
    const server = await start();
    const first = await connect(server.port);
    await expectEcho(first, 'first', 'the echo to the first client');
    const second = await connect(server.port);
    await expectEcho(
      second,
      'second',
      'the echo to a second client while the first is still connected',
      "Serve every connection as it comes: the seed's single `accept()` served one client at a time.",
    );
    await expectEcho(first, 'first again', 'the echo to the first client after the second was served');
  });

  it('§2 §3 serves 50 clients at once, 1 MiB each, byte for byte', async () => {
    const server = await start();
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect(server.port)));
    // The same random MiB for every client, between two copies of a header naming the client,
    // so that an echo sent to the wrong client shows. Printable text: a server may decode what it
    // logs, and decoding 50 MiB of binary is slow. Checked as it arrives, without keeping it.
    const body = randomText(1024 * 1024);
    await Promise.all(
      clients.map(async (client, i) => {
        const header = Buffer.from(`client ${i + 1} of 50\n`);
        client.write(header);
        client.write(body);
        client.write(header);
        // ~1 s on an idle 2-core machine; the bound is generous for a busy one.
        const what = `the echo of 1 MiB to client ${i + 1} of 50`;
        const diff = await client.expectBytes([header, body, header], what, 15_000);
        check(
          diff === undefined,
          () =>
            `Expected ${what} byte for byte, but it differs from byte ${diff!.offset} on: expected ` +
            `${preview(diff!.expected)}, got ${preview(diff!.got)}.`,
        );
        client.socket.end();
      }),
    );
  }, 30_000);

  it('§2 echoes every byte to a client that sends 16 MiB before it reads any of the echo', async () => {
    const server = await start();
    const client = await connect(server.port);
    // The client reads nothing at first: the echo fills the socket buffers and the server's
    // `write()` returns false. A server that waits for `drain` must then read on.
    client.socket.pause();
    const chunks = Array.from({ length: 256 }, (_, i) => Buffer.alloc(64 * 1024, 0x41 + (i % 26)));
    // One chunk at a time, so that progress shows: the next is written once the last is sent.
    let sent = 0;
    let lastProgress = Date.now();
    const sendNext = (): void => {
      if (sent === chunks.length || client.socket.destroyed) return;
      client.socket.write(chunks[sent], () => {
        sent++;
        lastProgress = Date.now();
        sendNext();
      });
    };
    sendNext();
    // Reads once the sending has stalled (the server stopped reading) or is done; either way the
    // echo must be complete. The wait only makes the stall likely; it decides nothing.
    await waitUntil(
      () => sent === chunks.length || Date.now() - lastProgress >= 100,
      3000,
      'the client to send its 16 MiB or stall',
    ).catch(() => undefined);
    client.socket.resume();
    const what = `the echo of 16 MiB sent before reading (${sent} of 256 chunks of 64 KiB had been sent when reading began)`;
    const diff = await hinted(
      client.expectBytes(chunks, what, 5000),
      'A server that pauses the socket when `write()` returns false must `resume()` it on `drain` ' +
        '(or let `socket.pipe(socket)` do both).',
    );
    check(
      diff === undefined,
      () =>
        `Expected ${what} byte for byte, but it differs from byte ${diff!.offset} on: expected ` +
        `${preview(diff!.expected)}, got ${preview(diff!.got)}.`,
    );
  }, 15_000);

  it('§4 ends its side after the client ends, once the echo is written', async () => {
    const server = await start();
    const client = await connect(server.port);
    const data = randomText(256 * 1024);
    client.write(data);
    client.socket.end();
    const got = await hinted(
      client.readBytes(data.length, 'the echo of 256 KiB sent just before `end()`', WAIT_MS),
      'All of it must come back before the server closes the connection.',
    );
    check(got.equals(data), 'Expected the echo of 256 KiB sent before `end()` byte for byte; it differs.');
    await hinted(
      client.waitForEnd('the server to end its side after the client ended', WAIT_MS),
      "When the client ends (the seed's empty `recv()`), the server ends too: Node does it by itself " +
        'unless `allowHalfOpen` is set; then call `socket.end()` on `end`.',
    );
  });

  it('§5 keeps serving after a client resets its connection', async () => {
    const server = await start();
    const idle = await connect(server.port);
    await expectEcho(idle, 'about to reset', 'the echo before the reset');
    idle.socket.resetAndDestroy();
    await once(idle.socket, 'close');
    const busy = await connect(server.port);
    busy.write(randomBytes(512 * 1024)); // a reset while the server is still echoing
    busy.socket.resetAndDestroy();
    await once(busy.socket, 'close');
    const next = await connect(server.port);
    await expectEcho(
      next,
      'still there?',
      'the echo to a new client after two clients reset their connections',
      'A reset reaches the server as an `error` event (ECONNRESET) on that socket: without an `error` ' +
        'listener Node throws it and the whole server dies.',
    );
  });

  it('§7 close() resolves while a client is connected and idle, and disconnects it', async () => {
    const server = await start();
    const client = await connect(server.port);
    await expectEcho(client, 'hello', 'the echo before `close()`');
    await within(
      promiseFrom(() => server.close(), 'close()'),
      WAIT_MS,
      '`close()` to resolve while a client is connected',
      '`server.close()` only stops accepting: it waits for open connections to end. Destroy them too.',
    );
    await client.waitForEnd('the connected client to be disconnected by `close()`', WAIT_MS);
    check(
      !(await canConnect('127.0.0.1', server.port)),
      `Expected nothing to accept connections on port ${server.port} after \`close()\` resolved.`,
    );
  });

  it('§7 close() can be called again: every call resolves', async () => {
    const server = await start();
    const client = await connect(server.port);
    await expectEcho(client, 'hi', 'the echo before `close()`');
    const calls = [server.close(), server.close()];
    const results = await within(
      Promise.all(calls.map((c) => settle(c))),
      WAIT_MS,
      'two calls to `close()` to settle',
    );
    const later = await within(
      settle(server.close()),
      WAIT_MS,
      'a third `close()` after the first two to settle',
    );
    const failed = [...results, later].find((r) => !r.ok);
    check(
      !failed,
      () =>
        `Expected every \`close()\` to resolve, but one rejected with ${show(failed && !failed.ok ? failed.error.message : '')}. ` +
        'Calling `server.close()` twice fails with ERR_SERVER_NOT_RUNNING: keep the first promise and return it.',
    );
  });

  it('§6 rejects with the EADDRINUSE error when the port is taken', async () => {
    const taken = await startTestServer();
    const result = await within(
      settle(promiseFrom(() => startEchoServer({ port: taken.port }), 'startEchoServer()')),
      WAIT_MS,
      '`startEchoServer()` on a port already in use to settle',
      'Listen for the server `error` event before `listen()` and reject with it.',
    );
    if (result.ok) onCleanup(() => result.value.close());
    check(
      !result.ok && result.error.code === 'EADDRINUSE',
      () =>
        `Expected \`startEchoServer({ port: ${taken.port} })\` to reject with code \`EADDRINUSE\` (the port is taken), ` +
        `got ${result.ok ? `a server on port ${show(result.value.port)}` : `an error with code ${show(result.error.code)}: ${result.error.message}`}.`,
    );
  });

  it('§8 logs "connection from: HOST:PORT" naming the client\'s address and port', async () => {
    const lines: string[] = [];
    const server = await start({ log: (line) => lines.push(line) });
    const client = await connect(server.port);
    await expectEcho(client, 'log me', 'the echo of `log me`');
    const expected = `connection from: 127.0.0.1:${client.socket.localPort!}`;
    await waitUntil(
      () => lines.includes(expected),
      WAIT_MS,
      `the log line \`${expected}\``,
      `The lines logged were ${show(lines)}. Log the client's address and port: \`socket.remoteAddress\` ` +
        "and `socket.remotePort` (not the server's own, `localPort`).",
    );
  });

  /** The texts of the `From connected user: ` lines, in order (other lines left out). */
  function userTexts(lines: readonly string[]): string[] {
    const prefix = 'From connected user: ';
    return lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  }

  /** A server with a log, a client behind a proxy that splits every multi-byte character, and the echo of `text`. */
  async function logThroughSplits(text: string): Promise<string[]> {
    const lines: string[] = [];
    const server = await start({ log: (line) => lines.push(line) });
    // Each piece reaches the server as its own chunk: 'ï' as <c3> then <af>, '😀' in four.
    const proxy = await startTcpProxy({ port: server.port }, { toTarget: 'utf8' });
    const client = await connect(proxy.port);
    await expectEcho(client, text, `the echo of ${show(text)} (each character split between chunks)`);
    await waitUntil(
      () => userTexts(lines).join('') === text,
      WAIT_MS,
      `the \`From connected user: <text>\` lines to add up to ${show(text)}`,
      `The lines logged were ${show(lines)}. Decode with one \`StringDecoder\` per connection: ` +
        "`chunk.toString()` turns each half of a split character into U+FFFD ('\uFFFD').",
    );
    return lines;
  }

  it('§9 logs "From connected user: <text>" for each chunk, a character split between chunks whole', async () => {
    await logThroughSplits('naïve café: 5 € 😀 and more\n');
  });

  it('§9 logs nothing for a chunk that completes no character', async () => {
    const lines = await logThroughSplits('€ 😀');
    const empty = lines.filter((l) => l === 'From connected user: ');
    check(
      empty.length === 0,
      () =>
        `Expected no line \`From connected user: \` with no text (a chunk holding only part of a character ` +
        `completes none), got ${empty.length} among ${show(lines)}. Log only when the decoder returns some text.`,
    );
  });
});
