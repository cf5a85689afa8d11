/**
 * `npm run tcp-client -- --port P [--host H]`: the seed's TCP client `Main`, on the `EchoClient`
 * of the tree KATA_TARGET selects (exercises/ by default, or solutions/).
 *
 * Connects, then prompts `->`: each line typed goes to the server as `line\n`, and the echoed line
 * comes back as `Received from server: <text>`. `q` or the end of input quits.
 */
import {
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
  name: 'tcp-client',
  usage: `Usage: npm run tcp-client -- --port P [--host H]

The seed's TCP client: sends each line you type (plus a newline) and prints the line that comes back.
  --port P   the server's port, 1 to 65535 (required)
  --host H   the server's address (default 127.0.0.1)
At the prompt "->" type a message; "q", Ctrl-D (end of input) or Ctrl-C quits.
Exit status: 0 after quitting; 1 if the connection failed (refused, closed by the server, or no
reply within 5 s); 2 for bad flags.
Uses exercises/04-tcp/echo-client.ts, or solutions/ with KATA_TARGET=solutions.
`,
};

let host = '127.0.0.1';
let port: number | undefined;
let file: string | undefined;

runCli(
  cli,
  async () => {
    const flags = parseFlags(cli, { port: { type: 'string' }, host: { type: 'string' } });
    host = hostFlag(flags.host);
    port = portFlag(flags.port, '--port', { min: 1 });

    const exercise = loadExercise<typeof import('../exercises/04-tcp/echo-client')>('04-tcp/echo-client');
    file = exercise.file;
    const client = await exercise.module.EchoClient.connect({ host, port });
    process.stdout.write(`Connected to ${formatAddress(host, port)}; type a message, q quits.\n`);

    let stopping = false;
    const loop = promptLoop(
      async (line) => {
        let reply: string;
        try {
          reply = await client.request(line);
        } catch (error) {
          if (stopping) return; // Ctrl-C or SIGTERM while waiting: not a failure
          throw new Error(`no reply to \`${line}\`: ${(error as Error).message}`);
        }
        process.stdout.write(`Received from server: ${reply}\n`);
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
  },
  () => ({ host, port, file }),
);
