/**
 * `npm run job-server -- --port P [--host H] [--workers N] [--max-queue N]`: the capstone's job
 * server as a program, on the `startJobServer()` of the tree KATA_TARGET selects (exercises/ by
 * default, or solutions/).
 *
 * Prints `Server started on HOST:PORT` (with `--port 0`, the port the OS picked), then serves JSON
 * jobs, one a line, until Ctrl-C or SIGTERM, which close the server (workers included) and exit 0.
 * Try it from another terminal:
 *
 *   printf '{"id":1,"job":"fib","arg":40}\n{"id":2,"job":"stats"}\n' | nc 127.0.0.1 PORT
 */
import {
  formatAddress,
  countFlag,
  hostFlag,
  loadExercise,
  parseFlags,
  portFlag,
  runCli,
  settledWithin,
  untilSignal,
  UsageError,
} from './cli';

const cli = {
  name: 'job-server',
  usage: `Usage: npm run job-server -- --port P [--host H] [--workers N] [--max-queue N]

The capstone's job server: JSON jobs over TCP, one a line ({"id":1,"job":"fib","arg":30}),
run on a pool of worker threads; one JSON reply a line ({"id":1,"result":832040}).
  --port P        port to listen on, 0 to 65535 (0: the OS picks a free one, printed at start)
  --host H        address to listen on (default 127.0.0.1)
  --workers N     worker threads, i.e. jobs running at once (default: os.availableParallelism())
  --max-queue N   jobs that may wait for a worker before new ones are refused (default 100)
Jobs: fib (arg 0-45), sleep (arg: ms), stats. Ctrl-C stops it.
Exit status: 0 when stopped, 1 if it could not start (e.g. the port is in use), 2 for bad flags.
Uses exercises/06-capstone/job-server.ts, or solutions/ with KATA_TARGET=solutions.
`,
};

let host = '127.0.0.1';
let port = 0;
let file: string | undefined;

runCli(
  cli,
  async () => {
    const flags = parseFlags(cli, {
      port: { type: 'string' },
      host: { type: 'string' },
      workers: { type: 'string' },
      'max-queue': { type: 'string' },
    });
    host = hostFlag(flags.host);
    port = portFlag(flags.port, '--port', { min: 0 });
    const workers = countFlag(flags.workers, '--workers');
    if (workers === 0) throw new UsageError('`--workers` must be at least 1');
    const maxQueue = countFlag(flags['max-queue'], '--max-queue');

    const exercise =
      loadExercise<typeof import('../exercises/06-capstone/job-server')>('06-capstone/job-server');
    file = exercise.file;
    const server = await exercise.module.startJobServer({
      host,
      port,
      ...(workers === undefined ? {} : { workers }),
      ...(maxQueue === undefined ? {} : { maxQueue }),
    });
    process.stdout.write(`Server started on ${formatAddress(host, server.port)}\n`);

    await untilSignal();
    if (!(await settledWithin(server.close(), 2000))) {
      process.stderr.write('job-server: `close()` did not finish within 2 s; stopping anyway.\n');
      return 1;
    }
    process.stdout.write('Server stopped.\n');
  },
  () => ({ host, port, file }),
);
