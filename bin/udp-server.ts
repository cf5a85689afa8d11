/**
 * `npm run udp-server -- [--port P] [--host H]`: the seed's UDP server `Main`, on the
 * `startUdpEchoServer()` of the tree KATA_TARGET selects (exercises/ by default, or solutions/).
 *
 * Prints `Server started on HOST:PORT`, then the module's log lines (`msg from: …`,
 * `From connected user: …`); sends each datagram back to its sender until Ctrl-C or SIGTERM.
 */
import {
  formatAddress,
  hostFlag,
  loadExercise,
  parseFlags,
  portFlag,
  runCli,
  settledWithin,
  untilSignal,
} from './cli';

const cli = {
  name: 'udp-server',
  usage: `Usage: npm run udp-server -- [--port P] [--host H]

The seed's UDP echo server: sends every datagram back to the address and port it came from.
  --port P   port to bind, 0 to 65535 (default 0: the OS picks a free one, printed at start)
  --host H   address to bind (default 127.0.0.1)
Prints "Server started on HOST:PORT" and two lines for each datagram. Ctrl-C stops it.
Exit status: 0 when stopped, 1 if it could not start (e.g. the port is in use), 2 for bad flags.
Uses exercises/05-udp/udp-echo-server.ts, or solutions/ with KATA_TARGET=solutions.
`,
};

let host = '127.0.0.1';
let port = 0;
let file: string | undefined;

runCli(
  cli,
  async () => {
    const flags = parseFlags(cli, { port: { type: 'string' }, host: { type: 'string' } });
    host = hostFlag(flags.host);
    port = portFlag(flags.port, '--port', { min: 0, fallback: 0 });

    const exercise =
      loadExercise<typeof import('../exercises/05-udp/udp-echo-server')>('05-udp/udp-echo-server');
    file = exercise.file;
    const server = await exercise.module.startUdpEchoServer({
      host,
      port,
      // A datagram typed with `nc -u` ends with a newline: print it as one line, not a line and a blank.
      log: (line) => process.stdout.write(`${line.replace(/\r?\n$/, '')}\n`),
    });
    process.stdout.write(`Server started on ${formatAddress(server.host, server.port)}\n`);

    await untilSignal();
    if (!(await settledWithin(server.close(), 2000))) {
      process.stderr.write('udp-server: `close()` did not finish within 2 s; stopping anyway.\n');
      return 1;
    }
    process.stdout.write('Server stopped.\n');
  },
  () => ({ host, port, file }),
);
