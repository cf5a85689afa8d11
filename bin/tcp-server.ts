/**
 * `npm run tcp-server -- [--port P] [--host H]`: the seed's TCP server `Main`, on the
 * `startEchoServer()` of the tree KATA_TARGET selects (exercises/ by default, or solutions/).
 *
 * Prints `Server started on HOST:PORT`, then the module's log lines (`connection from: …`,
 * `From connected user: …`); echoes every byte back until Ctrl-C or SIGTERM.
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
  name: 'tcp-server',
  usage: `Usage: npm run tcp-server -- [--port P] [--host H]

The seed's TCP echo server: echoes every byte each client sends, to any number of clients.
  --port P   port to listen on, 0 to 65535 (default 0: the OS picks a free one, printed at start)
  --host H   address to listen on (default 127.0.0.1)
Prints "Server started on HOST:PORT" and a line for each connection and message. Ctrl-C stops it.
Exit status: 0 when stopped, 1 if it could not start (e.g. the port is in use), 2 for bad flags.
Uses exercises/04-tcp/echo-server.ts, or solutions/ with KATA_TARGET=solutions.
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

    const exercise = loadExercise<typeof import('../exercises/04-tcp/echo-server')>('04-tcp/echo-server');
    file = exercise.file;
    const server = await exercise.module.startEchoServer({
      host,
      port,
      // A chunk usually ends with the client's newline: print it as one line, not a line and a blank.
      log: (line) => process.stdout.write(`${line.replace(/\r?\n$/, '')}\n`),
    });
    process.stdout.write(`Server started on ${formatAddress(server.host, server.port)}\n`);

    await untilSignal();
    if (!(await settledWithin(server.close(), 2000))) {
      process.stderr.write('tcp-server: `close()` did not finish within 2 s; stopping anyway.\n');
      return 1;
    }
    process.stdout.write('Server stopped.\n');
  },
  () => ({ host, port, file }),
);
