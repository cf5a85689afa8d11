// The seed's four `Main` programs as CLIs (bin/tcp-server.ts, tcp-client, udp-server, udp-client),
// run as real programs on the exercise modules of the selected tree (KATA_TARGET). The tests type
// into their stdin and read their stdout (tests/helpers/child.ts), talk to them through plain
// sockets, and run the clients against plain echo peers: the seed's wire format (raw bytes over
// TCP, one plain-text datagram each way over UDP), so the seed's Python programs fit in either
// seat. Starting a program costs ~0.5 s, so each test starts the few it needs, at the same time.
import { describe, it } from '@jest/globals';
import { check, show } from '../helpers/assert';
import { describeExit, spawnCli, type ChildCli, type Exit } from '../helpers/child';
import { connectRaw, freePort, startTestServer } from '../helpers/tcp-raw';
import { freeUdpPort, UdpPeer } from '../helpers/udp-peer';

const START_MS = 8000; // a program's start (node + tsx), on a busy 2-core machine
const REPLY_MS = 3000;
const TEST_MS = 20_000;

const STARTED = /^Server started on 127\.0\.0\.1:(\d+)$/;
const REPLY = /Received from server: (.*)$/; // after the `->` prompt, which has no newline

/** Starts a server CLI with `args` and resolves with it and the port it printed. */
async function startServer(
  name: 'tcp-server' | 'udp-server',
  args: string[] = [],
): Promise<[ChildCli, number]> {
  const server = spawnCli(name, ['--port', '0', ...args]);
  const [, port] = await server.waitForLine(STARTED, `\`${name}\` to print that it started`, START_MS);
  return [server, Number(port)];
}

/**
 * Starts two servers on the same `port` at once (cheaper than one after the other): exactly one
 * must start, on that port; the other is returned to check that it failed.
 */
async function startTwoOnOnePort(
  name: 'tcp-server' | 'udp-server',
  port: number,
): Promise<{ server: ChildCli; taken: ChildCli }> {
  const both = [spawnCli(name, ['--port', String(port)]), spawnCli(name, ['--port', String(port)])];
  const waits = await Promise.allSettled(
    both.map((child) => child.waitForLine(STARTED, `\`${name} --port ${port}\` to start`, START_MS)),
  );
  const started = both.filter((_, i) => waits[i].status === 'fulfilled');
  if (started.length === 0) throw (waits[0] as PromiseRejectedResult).reason;
  check(
    started.length === 1,
    () =>
      `Expected one of two \`${name} --port ${port}\` started at once to fail (the port is in use), ` +
      `but both started. ${both[0].printed()}; ${both[1].printed()}.`,
  );
  const server = started[0];
  const printed = Number(server.stdout.match(/Server started on \S+:(\d+)/)![1]);
  check(
    printed === port,
    () => `Expected \`${name} --port ${port}\` to listen on ${port}. ${server.printed()}.`,
  );
  return { server, taken: both.find((child) => child !== server)! };
}

/** Waits for the next `Received from server:` line of `client` and checks its text. */
async function expectReply(client: ChildCli, text: string): Promise<void> {
  const [, got] = await client.waitForLine(REPLY, `the reply to ${show(text)}`, START_MS);
  check(
    got === text,
    () =>
      `Expected \`${client.name}\` to print \`Received from server: ${text}\`, got ${show(got)}. ${client.printed()}.`,
  );
}

/** Checks that `child` exited by itself with `code`. */
async function expectExit(child: ChildCli, code: number, why: string): Promise<Exit> {
  const exit = await child.waitForExit(`\`${child.name}\` to exit (${why})`, START_MS);
  check(
    exit.code === code,
    () =>
      `Expected \`${child.name}\` to exit with code ${code} (${why}), got ${describeExit(exit)}. ${child.printed()}.`,
  );
  return exit;
}

/** Bad flags: exit 2, usage on stderr, nothing on stdout. */
async function expectUsage(child: ChildCli, flags: string): Promise<void> {
  await expectExit(child, 2, `bad flags \`${flags}\``);
  check(
    /usage/i.test(child.stderr) && child.stdout === '',
    () => `Expected \`${child.name} ${flags}\` to print its usage on stderr only. ${child.printed()}.`,
  );
}

/** A failure reported in one clear line on stderr (matching `pattern`), exit 1. */
async function expectOneLineError(child: ChildCli, pattern: RegExp, why: string): Promise<void> {
  await expectExit(child, 1, why);
  const lines = child.stderr.trim().split('\n');
  check(
    lines.length === 1 && pattern.test(lines[0]),
    () =>
      `Expected \`${child.name}\` to report ${why} in one line on stderr matching ${pattern}. ${child.printed()}.`,
  );
}

describe("CLIs (the seed's Main programs)", () => {
  it(
    'tcp-server and tcp-client talk to each other: prompt `->`, replies, `q` quits',
    async () => {
      const [server, port] = await startServer('tcp-server');
      const client = spawnCli('tcp-client', ['--port', String(port)]);
      client.write('hello\n');
      await expectReply(client, 'hello');
      client.write('héllo wörld ✓\n');
      await expectReply(client, 'héllo wörld ✓');
      await server.waitForLine(
        /connection from: 127\.0\.0\.1:\d+/,
        'the server to log the connection',
        REPLY_MS,
      );
      await server.waitForLine(/From connected user: hello/, 'the server to log `hello`', REPLY_MS);

      client.write('q\nnot sent\n');
      await expectExit(client, 0, 'after `q`');
      check(
        client.stdout.startsWith('->') || client.stdout.includes('\n->'),
        () => `Expected \`tcp-client\` to prompt with \`->\`. ${client.printed()}.`,
      );
      check(
        !client.stdout.includes('not sent'),
        () => `Expected \`tcp-client\` to stop reading at \`q\`. ${client.printed()}.`,
      );
    },
    TEST_MS,
  );

  it(
    'tcp-server echoes raw bytes at once to a plain socket, exits 1 on a port in use, stops on SIGTERM',
    async () => {
      const badFlags = spawnCli('tcp-server', ['--port', '70000']);
      const port = await freePort();
      const { server, taken } = await startTwoOnOnePort('tcp-server', port);

      // The seed's Python client sends no newline: the echo must not wait for one.
      const raw = await connectRaw(port);
      raw.write('ping');
      const echo = await raw.readBytes(4, 'the echo of `ping` (sent without a newline)', REPLY_MS);
      check(echo.toString() === 'ping', () => `Expected the echo \`ping\`, got ${show(echo.toString())}.`);
      const bytes = Buffer.from([0xff, 0x00, 0xe2, 0x9c]);
      raw.write(bytes);
      const back = await raw.readBytes(bytes.length, 'the echo of 4 bytes that are not UTF-8', REPLY_MS);
      check(back.equals(bytes), () => `Expected the same 4 bytes back, got <${back.toString('hex')}>.`);

      await expectOneLineError(taken, /in use|EADDRINUSE/, `port ${port} in use`);
      await expectUsage(badFlags, '--port 70000');

      const exit = await server.kill('SIGTERM', '`tcp-server` to stop after SIGTERM');
      check(
        exit.code === 0,
        () =>
          `Expected \`tcp-server\` to exit 0 after SIGTERM, got ${describeExit(exit)}. ${server.printed()}.`,
      );
      await raw.waitForEnd('the server to close the connection as it stops', REPLY_MS);
    },
    TEST_MS,
  );

  it(
    'tcp-client talks to a plain echo server, handles every line piped before the end of input, exits 1 when refused',
    async () => {
      const badFlags = spawnCli('tcp-client', ['--port', 'notaport']);
      const refused = spawnCli('tcp-client', ['--port', String(await freePort())]);
      // A plain echo peer, like the seed's Python server, that sends its echo back a byte at a time.
      let received = '';
      const peer = await startTestServer((socket) =>
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('latin1');
          for (const byte of chunk) socket.write(Buffer.from([byte]));
        }),
      );
      const client = spawnCli('tcp-client', ['--port', String(peer.port)]);
      client.write('one\ntwo\nthree'); // the last line has no newline: the end of input ends it
      client.end();
      await expectReply(client, 'one');
      await expectReply(client, 'two');
      await expectReply(client, 'three');
      await expectExit(client, 0, 'at the end of input');
      check(
        received === 'one\ntwo\nthree\n',
        () => `Expected the server to receive ${show('one\ntwo\nthree\n')}, got ${show(received)}.`,
      );

      await expectOneLineError(refused, /refused|ECONNREFUSED/, 'a refused connection');
      await expectUsage(badFlags, '--port notaport');
    },
    TEST_MS,
  );

  it(
    'udp-server and udp-client talk to each other, the client sending from `--local-port`',
    async () => {
      const [server, port] = await startServer('udp-server');
      const localPort = await freeUdpPort();
      const client = spawnCli('udp-client', ['--port', String(port), '--local-port', String(localPort)]);
      client.write('hello\n');
      await expectReply(client, 'hello');
      client.write('héllo wörld ✓\n');
      await expectReply(client, 'héllo wörld ✓');
      await server.waitForLine(
        new RegExp(`msg from: 127\\.0\\.0\\.1:${localPort}$`),
        `the server to log a datagram from port ${localPort}`,
        REPLY_MS,
      );
      await server.waitForLine(/From connected user: hello/, 'the server to log `hello`', REPLY_MS);
      client.write('q\n');
      await expectExit(client, 0, 'after `q`');
    },
    TEST_MS,
  );

  it(
    'udp-server sends each plain datagram back to its sender, exits 1 on a port in use, stops on SIGTERM',
    async () => {
      const badFlags = spawnCli('udp-server', ['--bogus']);
      const port = await freeUdpPort();
      const { server, taken } = await startTwoOnOnePort('udp-server', port);
      const a = await UdpPeer.open({ name: 'sender a' });
      const b = await UdpPeer.open({ name: 'sender b' });
      await a.send('from a', { port });
      await b.send('from b', { port });
      const toA = await a.next('the echo of `from a` at sender a', REPLY_MS);
      const toB = await b.next('the echo of `from b` at sender b', REPLY_MS);
      check(
        toA.text === 'from a' && toB.text === 'from b' && toA.port === port,
        () => `Expected each sender to get its own datagram back from port ${port}, got ${show([toA, toB])}.`,
      );

      await expectOneLineError(taken, /in use|EADDRINUSE/, `port ${port} in use`);
      await expectUsage(badFlags, '--bogus');
      const exit = await server.kill('SIGTERM', '`udp-server` to stop after SIGTERM');
      check(
        exit.code === 0,
        () =>
          `Expected \`udp-server\` to exit 0 after SIGTERM, got ${describeExit(exit)}. ${server.printed()}.`,
      );
    },
    TEST_MS,
  );

  it(
    'udp-client talks to a plain datagram echo, resends a lost one, reports an unanswered one and goes on',
    async () => {
      const badFlags = spawnCli('udp-client', ['--local-port', '0']); // no --port
      const seen = new Map<string, number>();
      const peer = await UdpPeer.open({
        name: 'the plain echo server',
        onMessage: (datagram, self) => {
          const count = (seen.get(datagram.text) ?? 0) + 1;
          seen.set(datagram.text, count);
          if (datagram.text === 'lost once' && count === 1) return; // the first one is "lost"
          if (datagram.text === 'never answered') return;
          void self.echo(datagram);
        },
      });
      const client = spawnCli('udp-client', [
        '--port',
        String(peer.port),
        '--timeout',
        '150',
        '--retries',
        '2',
      ]);
      client.write('one\nlost once\nnever answered\nlast\n');
      client.end();
      await expectReply(client, 'one');
      await expectReply(client, 'lost once');
      await expectReply(client, 'last');
      await expectExit(client, 1, 'at the end of input, after a message got no reply');
      check(
        /no reply to `never answered`/.test(client.stderr) && client.stderr.trim().split('\n').length === 1,
        () => `Expected one line on stderr about \`never answered\`. ${client.printed()}.`,
      );
      check(
        seen.get('never answered') === 3,
        () =>
          `Expected \`never answered\` to be sent 3 times (\`--retries 2\`), got ${seen.get('never answered')}.`,
      );
      await expectUsage(badFlags, '--local-port 0 (no --port)');
    },
    TEST_MS,
  );
});
