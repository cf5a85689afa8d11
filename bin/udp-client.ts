/**
 * `npm run udp-client -- --port P [--host H] [--local-port L] [--timeout MS] [--retries N]`: the
 * seed's UDP client `Main`, on the `UdpClient` of the tree KATA_TARGET selects (exercises/ by
 * default, or solutions/).
 *
 * Binds its own port, then prompts `->`: each line typed goes to the server as one datagram, and
 * the echo comes back as `Received from server: <text>`. A request that gets no reply (after the
 * module's retries) prints one line on stderr and the prompt continues: UDP has no connection to
 * lose, so the next request may well be answered. `q` or the end of input quits.
 */
import { lookup } from 'node:dns/promises';
import {
  countFlag,
  formatAddress,
  hostFlag,
  loadExercise,
  parseFlags,
  portFlag,
  promptLoop,
  runCli,
  settledWithin,
  untilSignal,
} from './cli';

const cli = {
  name: 'udp-client',
  usage: `Usage: npm run udp-client -- --port P [--host H] [--local-port L] [--timeout MS] [--retries N]

The seed's UDP client: sends each line you type as one datagram and prints the echo.
  --port P         the server's port, 1 to 65535 (required)
  --host H         the server's address (default 127.0.0.1)
  --local-port L   the port this client binds, 0 to 65535 (default 0: any free port)
  --timeout MS     how long to wait for each reply before resending (default: the module's, 500)
  --retries N      how many times to resend before giving up (default: the module's, 3)
At the prompt "->" type a message; "q", Ctrl-D (end of input) or Ctrl-C quits. A message that
gets no reply prints one line on stderr, and the prompt continues.
Exit status: 0 after quitting; 1 if it could not start, or if any message got no reply; 2 for
bad flags.
Uses exercises/05-udp/udp-client.ts, or solutions/ with KATA_TARGET=solutions.
`,
};

let host = '127.0.0.1';
let localHost = '127.0.0.1';
let localPort = 0;
let file: string | undefined;

runCli(
  cli,
  async () => {
    const flags = parseFlags(cli, {
      port: { type: 'string' },
      host: { type: 'string' },
      'local-port': { type: 'string' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
    });
    host = hostFlag(flags.host);
    const port = portFlag(flags.port, '--port', { min: 1 });
    localPort = portFlag(flags['local-port'], '--local-port', { min: 0, fallback: 0 });
    // Only the flags given: an absent one leaves the module's default in place.
    const requestOptions: { timeoutMs?: number; retries?: number } = {};
    const timeoutMs = countFlag(flags.timeout, '--timeout');
    const retries = countFlag(flags.retries, '--retries');
    if (timeoutMs !== undefined) requestOptions.timeoutMs = timeoutMs;
    if (retries !== undefined) requestOptions.retries = retries;

    // Bind next to the server: loopback for a server on this machine (nothing else can send to
    // us then), every interface for a server elsewhere (a loopback socket cannot reach it).
    const server = await lookup(host);
    const loopback = server.family === 6 ? server.address === '::1' : server.address.startsWith('127.');
    localHost = server.family === 6 ? (loopback ? '::1' : '::') : loopback ? '127.0.0.1' : '0.0.0.0';

    const exercise = loadExercise<typeof import('../exercises/05-udp/udp-client')>('05-udp/udp-client');
    file = exercise.file;
    const client = await exercise.module.UdpClient.open({ host: localHost, port: localPort });
    process.stdout.write(
      `Sending to ${formatAddress(server.address, port)} from port ${client.port}; type a message, q quits.\n`,
    );

    let stopping = false;
    let unanswered = 0;
    const loop = promptLoop(
      async (line) => {
        try {
          const reply = await client.request(line, { host: server.address, port }, requestOptions);
          process.stdout.write(`Received from server: ${reply}\n`);
        } catch (error) {
          if (stopping) return; // Ctrl-C or SIGTERM while waiting: not a failure
          unanswered++;
          process.stderr.write(`udp-client: no reply to \`${line}\`: ${(error as Error).message}\n`);
        }
      },
      { onInterrupt: () => stop() },
    );
    const stop = () => {
      stopping = true;
      loop.stop();
      void client.close();
    };
    void untilSignal(stop);
    try {
      await loop.done;
    } finally {
      await settledWithin(client.close(), 2000);
    }
    return unanswered > 0 ? 1 : 0;
  },
  // Errors at start are about this client's own socket: its address and `--local-port`.
  () => ({ host: localHost, port: localPort, flag: '--local-port', file }),
);
