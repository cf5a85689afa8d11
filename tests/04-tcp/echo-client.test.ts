// EchoClient: the seed's TCP client, done right. Each test builds its own small fake server with
// tests/helpers/tcp-raw.ts (never the student's EchoServer), sometimes behind a proxy that cuts
// the replies into 1-byte, mid-character or random pieces (tests/helpers/tcp-proxy.ts). The
// student's client runs on jest's thread; every wait on it is bounded by `within()`.
import type * as net from 'node:net';
import { describe, it } from '@jest/globals';
import { EchoClient } from '@kata/04-tcp/echo-client';
import { check, checkBadArgument, isErrorLike, settle, show, within } from '../helpers/assert';
import { messageOf, promiseFrom } from '../helpers/async';
import { onCleanup } from '../helpers/handles';
import { startTcpProxy, type Split } from '../helpers/tcp-proxy';
import { freePort, startTestServer, type TestServer } from '../helpers/tcp-raw';

const WAIT_MS = 1500;

/** `EchoClient.connect()`, which must resolve within WAIT_MS; the client is closed after the test. */
async function connect(port: number, timeoutMs?: number): Promise<EchoClient> {
  const options = timeoutMs === undefined ? { port } : { port, timeoutMs };
  const client = await within(
    promiseFrom(() => EchoClient.connect(options), 'EchoClient.connect()'),
    WAIT_MS,
    `\`EchoClient.connect(${show(options).slice(1, -1)})\` to resolve`,
    'It should resolve on the socket `connect` event.',
  );
  onCleanup(() => within(client.close(), 2000, 'the client `close()` after the test to resolve'));
  return client;
}

/** `client.request(message)`, which must resolve within WAIT_MS. */
async function request(client: EchoClient, message: string, hint = ''): Promise<string> {
  const call = `\`request(${show(message).slice(1, -1)})\``;
  const result = await within(
    settle(promiseFrom(() => client.request(message), 'request()')),
    WAIT_MS,
    `${call} to resolve`,
    hint,
  );
  if (!result.ok)
    throw new Error(
      `Expected ${call} to resolve, but it rejected with ${show(result.error.message)}. ${hint}`,
    );
  return result.value;
}

/** A fake server that echoes every byte back at once. */
function echoServer(): Promise<TestServer> {
  return startTestServer((socket) => socket.pipe(socket));
}

/** An echo server behind a proxy that cuts the replies as `split` says. */
async function echoBehindProxy(split: Split): Promise<number> {
  const server = await echoServer();
  const proxy = await startTcpProxy({ port: server.port }, { toClient: split });
  return proxy.port;
}

/** A fake server that reads and never replies. */
function silentServer(): Promise<TestServer> {
  return startTestServer((socket) => socket.resume());
}

/** Resolves once `socket` has ended, closed or been reset (the client closed its connection). */
function closedByClient(socket: net.Socket, what: string): Promise<void> {
  const done = new Promise<void>((resolve) => {
    if (socket.readableEnded || socket.closed) resolve();
    for (const event of ['end', 'close', 'error']) socket.once(event, () => resolve());
  });
  return within(done, WAIT_MS, what);
}

/** `promise` must reject within WAIT_MS; resolves with the error. */
async function rejection(
  promise: Promise<unknown>,
  what: string,
  hint = '',
): Promise<Error & { code?: string }> {
  const result = await within(settle(promise), WAIT_MS, `${what} to reject`, hint);
  check(
    !result.ok,
    () => `Expected ${what} to reject, but it resolved with ${show(result.ok && result.value)}. ${hint}`,
  );
  return result.error;
}

/** Fails unless `error` is an Error with a message: a rejection must say why. */
function saysWhy(error: unknown, what: string): void {
  check(
    isErrorLike(error) && error.message !== '',
    () => `Expected ${what} to reject with an Error that says why, got ${show(error)}.`,
  );
}

/**
 * `client.request(m)` for each message, sent together; each fails at once if it resolves with
 * anything but its own echo (a request answered with another's reply is wrong already, and the
 * requests left without one would otherwise only show by never resolving).
 */
function ownEchoes(client: EchoClient, messages: string[], hint: string): Promise<string>[] {
  return messages.map((m, i) =>
    promiseFrom(() => client.request(m), 'request()').then((reply) => {
      check(
        reply === m,
        `Expected each request to resolve with its own echo, in order, but request ${i + 1} of ${messages.length} ` +
          `(${show(m)}) resolved with ${show(reply)}. ${hint}`,
      );
      return reply;
    }),
  );
}

describe('EchoClient', () => {
  it('§1 §3 resolves a request with the echoed line (connecting to 127.0.0.1 by default)', async () => {
    const server = await echoServer();
    const client = await connect(server.port);
    const reply = await request(client, 'hello');
    check(
      reply === 'hello',
      `Expected \`request('hello')\` to resolve with \`'hello'\`, got ${show(reply)}.`,
    );
  });

  it('§3 sends the message and one newline, as UTF-8', async () => {
    const received: Buffer[] = [];
    const server = await startTestServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        if (chunk.includes(0x0a)) socket.write('ok\n');
      });
    });
    const client = await connect(server.port);
    await request(client, 'héllo wörld');
    const bytes = Buffer.concat(received);
    const expected = Buffer.from('héllo wörld\n', 'utf8');
    check(
      bytes.equals(expected),
      `Expected the server to receive ${show(expected.toString())} (UTF-8, ${expected.length} bytes), got ${show(bytes.toString())} ` +
        `(${bytes.length} bytes). The request is the message followed by \`\\n\`.`,
    );
  });

  it('§3 waits for the whole line when the reply arrives one byte at a time', async () => {
    const port = await echoBehindProxy('bytes');
    const client = await connect(port);
    const reply = await request(client, 'hello, world');
    check(
      reply === 'hello, world',
      `Expected \`'hello, world'\` from a reply that came one byte a chunk, got ${show(reply)}. ` +
        "A chunk is not a reply (the seed's single `recv(1024)`): buffer until `\\n`.",
    );
  });

  it('§3 decodes multi-byte characters split across chunks', async () => {
    const port = await echoBehindProxy('utf8');
    const client = await connect(port);
    const message = 'naïve café: 5 € 😀';
    const reply = await request(client, message);
    check(
      reply === message,
      `Expected ${show(message)} from a reply cut inside every multi-byte character, got ${show(reply)}. ` +
        '`chunk.toString()` on half a character gives U+FFFD: decode with a `StringDecoder` (or decode whole lines).',
    );
  });

  it('§4 resolves pipelined requests in order when several replies arrive in one chunk', async () => {
    const server = await startTestServer((socket) => {
      // Holds the replies until three requests have arrived, then sends them in one write.
      let pending = '';
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        pending += text;
        if (pending.split('\n').length > 3) socket.write(pending);
      });
    });
    const client = await connect(server.port);
    const messages = ['one', 'two', 'three'];
    const replies = await within(
      Promise.all(
        ownEchoes(client, messages, 'Keep a FIFO of pending requests: one chunk may hold several lines.'),
      ),
      WAIT_MS,
      'three requests sent together to resolve (their replies arrived in one chunk)',
      'Keep a FIFO of pending requests: one chunk may hold several lines.',
    );
    check(
      JSON.stringify(replies) === JSON.stringify(messages),
      `Expected the replies ${show(messages)} in order, got ${show(replies)}.`,
    );
  });

  it('§3 §4 resolves 20 pipelined requests in order when replies are cut at random points', async () => {
    const port = await echoBehindProxy({ seed: 7, maxChunk: 5 });
    const client = await connect(port);
    const messages = Array.from({ length: 20 }, (_, i) => `request ${i} ${'·'.repeat(i % 4)}`);
    const replies = await within(
      Promise.all(
        ownEchoes(
          client,
          messages,
          'Keep a FIFO of pending requests and a buffer of text received; hand out each whole line to the oldest.',
        ),
      ),
      WAIT_MS * 2,
      '20 requests in flight to resolve (replies cut into pieces of 1-5 bytes)',
      'Keep a FIFO of pending requests and a buffer of text received; hand out each whole line to the oldest.',
    );
    check(
      JSON.stringify(replies) === JSON.stringify(messages),
      `Expected each request to resolve with its own echo, in order; got ${show(replies)}.`,
    );
  });

  it('§5 rejects a message containing a newline with RangeError, and sends nothing', async () => {
    const server = await echoServer();
    const client = await connect(server.port);
    const error = await rejection(
      promiseFrom(() => client.request('two\nlines'), 'request()'),
      "`request('two\\nlines')`",
      'A `\\n` inside the message would make two requests on the wire.',
    );
    checkBadArgument(error, "`request('two\\nlines')`", 'message', 'RangeError');
    check(
      /newline/i.test(error.message),
      `Expected the RangeError's message to say "newline" (why the message is refused), got ${show(error.message)}.`,
    );
    const reply = await request(client, 'next', 'The rejected message must not have been sent.');
    check(
      reply === 'next',
      `Expected \`request('next')\` after the rejected one to resolve with \`'next'\`, got ${show(reply)}. ` +
        'Was the message with a newline sent anyway?',
    );
  });

  it('§1 rejects with code ECONNREFUSED when nothing listens', async () => {
    const port = await freePort();
    const result = await within(
      settle(promiseFrom(() => EchoClient.connect({ port }), 'EchoClient.connect()')),
      WAIT_MS,
      '`EchoClient.connect()` to a closed port to settle',
      'Reject on the socket `error` event.',
    );
    if (result.ok) onCleanup(() => result.value.close());
    check(
      !result.ok && result.error.code === 'ECONNREFUSED',
      () =>
        `Expected \`EchoClient.connect({ port: ${port} })\` to reject with code \`ECONNREFUSED\` (nothing listens), ` +
        `got ${result.ok ? 'a client' : `an error with code ${show(result.error.code)}: ${result.error.message}`}.`,
    );
  });

  it('§6 rejects with "timed out" when no reply comes within timeoutMs', async () => {
    const server = await silentServer();
    const client = await connect(server.port, 250);
    const started = Date.now();
    const error = await rejection(
      promiseFrom(() => client.request('anyone?'), 'request()'),
      '`request()` to a silent server with `timeoutMs: 250`',
      'Start a timer per request; reject when it fires.',
    );
    const elapsed = Date.now() - started;
    check(
      /timed? ?out/i.test(error.message),
      `Expected the rejection to say "timed out" (or "timeout"), got ${show(error.message)}.`,
    );
    check(
      elapsed >= 125, // timers may fire a little early when measured with Date.now(); this catches "at once"
      `Expected the request to wait about \`timeoutMs\` (250 ms) for a reply, but it rejected after ${elapsed} ms.`,
    );
  });

  it('§6 closes the connection after a timeout', async () => {
    const server = await silentServer();
    const client = await connect(server.port, 150);
    const socket = await server.nextConnection();
    await rejection(
      promiseFrom(() => client.request('anyone?'), 'request()'),
      '`request()` with `timeoutMs: 150`',
    );
    await closedByClient(socket, 'the client to close its connection after a request timed out').catch(
      (error: Error) => {
        throw new Error(
          `${error.message} A reply arriving late would answer the next request: close the client.`,
        );
      },
    );
  });

  it('§6 does not time out while idle between requests', async () => {
    const server = await echoServer();
    const client = await connect(server.port, 100);
    check(
      (await request(client, 'first')) === 'first',
      'Expected the first request to resolve with `first`.',
    );
    // Idle for three times timeoutMs: the timeout is about a reply, not about silence.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reply = await request(
      client,
      'after a pause',
      '`timeoutMs` is how long a request waits for its reply; an idle connection (no request) does not time out.',
    );
    check(reply === 'after a pause', `Expected \`'after a pause'\`, got ${show(reply)}.`);
  });

  it('§6 waits for a slow reply when timeoutMs is beyond the range of setTimeout, or Infinity', async () => {
    // The reply comes 100 ms after the request: far sooner than either timeout.
    const server = await startTestServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        const timer = setTimeout(() => socket.write(text), 100);
        socket.once('close', () => clearTimeout(timer));
      });
    });
    for (const timeoutMs of [2 ** 31, Infinity]) {
      const client = await connect(server.port, timeoutMs);
      const reply = await request(
        client,
        'slow',
        `\`setTimeout()\` fires at once (after 1 ms) for a delay above 2 ** 31 - 1 ms: with \`timeoutMs: ${timeoutMs}\`, ` +
          'set no timer (Infinity) or cap the delay.',
      );
      check(reply === 'slow', `Expected \`'slow'\` with \`timeoutMs: ${timeoutMs}\`, got ${show(reply)}.`);
    }
  });

  it('§7 rejects a pending request when close() is called', async () => {
    const server = await silentServer();
    const client = await connect(server.port);
    const pending = promiseFrom(() => client.request('waiting'), 'request()');
    // Handled now, checked below: it may reject while `close()` is still closing.
    pending.catch(() => undefined);
    const closed = await within(
      settle(client.close()),
      WAIT_MS,
      '`close()` with a request pending to settle',
    );
    check(closed.ok, () => `Expected \`close()\` to resolve, got ${show(!closed.ok && closed.error)}.`);
    const error = await rejection(
      pending,
      'the pending `request()` after `close()`',
      'Reject every pending request in `close()`.',
    );
    saysWhy(error, 'the pending request');
  });

  it('§7 rejects a request made after close()', async () => {
    const server = await echoServer();
    const client = await connect(server.port);
    await within(client.close(), WAIT_MS, '`close()` to resolve');
    const error = await rejection(
      promiseFrom(() => client.request('too late'), 'request()'),
      '`request()` after `close()`',
      'A closed client sends nothing and waits for nothing: reject at once.',
    );
    saysWhy(error, `\`request()\` after \`close()\``);
  });

  it('§7 rejects a pending request when the server ends the connection', async () => {
    const server = await startTestServer((socket) => socket.once('data', () => socket.end()));
    const client = await connect(server.port);
    const error = await rejection(
      promiseFrom(() => client.request('bye?'), 'request()'),
      '`request()` when the server ends the connection without replying',
      'Listen for `end` (and `close`) and reject what is pending.',
    );
    saysWhy(error, 'the pending request');
  });

  it('§7 rejects a pending request when the server resets the connection', async () => {
    const server = await startTestServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const client = await connect(server.port);
    const error = await rejection(
      promiseFrom(() => client.request('reset?'), 'request()'),
      '`request()` when the server resets the connection',
      'Listen for `error` and `close` and reject what is pending.',
    );
    check(
      error.code === 'ECONNRESET',
      `Expected the pending request to reject with the socket error (code \`ECONNRESET\`), got ${show(error)}. ` +
        "Reject with the `error` event's error itself: socket errors keep their `code`.",
    );
  });

  it('§7 rejects a pending request at once when the server ends while the request is still being sent', async () => {
    // The server reads nothing, so most of a 16 MiB request stays in the client's buffers: the
    // socket cannot finish, and `close` will not come, until the client gives up. `end` does come.
    const server = await startTestServer((socket) => socket.pause());
    const client = await connect(server.port);
    const socket = await server.nextConnection();
    const pending = promiseFrom(() => client.request('x'.repeat(16 * 1024 * 1024)), 'request()');
    socket.end();
    const error = await rejection(
      pending,
      '`request()` after the server ended its side (its reply can never come)',
      'Listen for `end`: `close` waits until everything written has been sent, which here is never.',
    );
    saysWhy(error, 'the pending request');
  });

  it('§4 ignores a line that arrives when no request is pending', async () => {
    // Replies to each request with its echo and one more line that nobody asked for.
    const server = await startTestServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => socket.write(text.replace(/\n/g, '\nunasked\n')));
    });
    const client = await connect(server.port);
    const reply = await request(client, 'first');
    check(reply === 'first', `Expected \`'first'\`, got ${show(reply)}.`);
    // The extra line must not throw (an uncaught exception fails this test); the next request is
    // answered by either that line or its own echo: the contract does not say which.
    const next = await request(
      client,
      'second',
      'A line that arrives with no request pending must not break the client.',
    );
    check(
      next === 'second' || next === 'unasked',
      `Expected \`'second'\` (or the extra line \`'unasked'\`), got ${show(next)}.`,
    );
  });

  it('§8 close() closes the connection and can be called again', async () => {
    const server = await echoServer();
    const client = await connect(server.port);
    const socket = await server.nextConnection();
    check((await request(client, 'hi')) === 'hi', 'Expected `request("hi")` to resolve with `hi`.');
    const results = await within(
      Promise.all([settle(client.close()), settle(client.close())]),
      WAIT_MS,
      'two calls to `close()` to settle',
    );
    const again = await within(settle(client.close()), WAIT_MS, 'a third `close()` to settle');
    const failed = [...results, again].find((r) => !r.ok);
    check(
      !failed,
      () =>
        `Expected every \`close()\` to resolve, one rejected: ${messageOf(failed && !failed.ok && failed.error)}.`,
    );
    await closedByClient(socket, 'the server to see the connection closed after `close()`');
  });

  it('§2 refuses a bad `timeoutMs` by rejecting with a TypeError or RangeError that names it', async () => {
    const port = await freePort(); // nothing listens: a call that is not refused fails by ECONNREFUSED
    for (const timeoutMs of [NaN, '100' as unknown as number]) {
      const call = `\`EchoClient.connect({ port, timeoutMs: ${show(timeoutMs).slice(1, -1)} })\``;
      const error = await rejection(
        promiseFrom(() => EchoClient.connect({ port, timeoutMs }), 'EchoClient.connect()'),
        call,
        'Check `timeoutMs` first and reject: `setTimeout()` would fire at once for NaN or a string.',
      );
      checkBadArgument(error, call, 'timeoutMs');
      check(
        error.message.includes('timeoutMs'),
        `Expected the message of ${call}'s ${error.name} to name \`timeoutMs\`, got ${show(error.message)}.`,
      );
    }
  });
});
