// The job server's CLI (bin/job-server.ts, `npm run job-server`), run as a child process the way a
// student runs it (tests/helpers/child.ts). It loads the job server of the selected tree
// (KATA_TARGET, inherited), so these tests fail until 06-capstone/job-server works. A program
// still running after its test is stopped.
import { describe, it } from '@jest/globals';
import { check, show } from '../helpers/assert';
import { ChildCli, describeExit } from '../helpers/child';
import { connectJobClient } from '../helpers/job-client';
import { startTestServer } from '../helpers/tcp-raw';

const START_MS = 8000; // node + tsx start-up on a busy machine
const TEST_MS = 20_000;

describe('job-server CLI', () => {
  it(
    '§13 prints `Server started on HOST:PORT`, answers a job on that port and exits 0 on SIGTERM',
    async () => {
      const cli = new ChildCli('job-server', ['--port', '0', '--workers', '1']);
      const [, host, portText] = await cli.waitForLine(
        /Server started on (\S+):(\d+)/,
        'the CLI to print `Server started on HOST:PORT`',
        START_MS,
      );
      check(
        host === '127.0.0.1',
        `Expected the CLI to listen on 127.0.0.1 by default, it printed ${show(host)}.`,
      );
      const client = await connectJobClient(Number(portText));
      const reply = await client.call({ id: 1, job: 'fib', arg: 20 }, 'the CLI server to answer `fib 20`');
      check(
        reply.id === 1 && reply.result === 6765,
        `Expected \`{"id":1,"result":6765}\` from the CLI's server, got ${show(reply)}.`,
      );
      const exit = await cli.kill(
        'SIGTERM',
        'the CLI to exit after SIGTERM (it should `close()` and exit 0)',
      );
      check(
        exit.code === 0,
        `Expected the CLI to exit with code 0 after SIGTERM, got ${describeExit(exit)}; ${cli.printed()}.`,
      );
    },
    TEST_MS,
  );

  it(
    '§13 exits 1 with one line on stderr when the port is in use',
    async () => {
      const other = await startTestServer();
      const cli = new ChildCli('job-server', ['--port', String(other.port), '--workers', '1']);
      const exit = await cli.waitForExit('the CLI to exit (its port is in use)', START_MS);
      const lines = cli.stderr.trim().split('\n');
      check(
        exit.code === 1 && lines.length === 1 && /in use|EADDRINUSE/i.test(lines[0]),
        `Expected exit code 1 and one line on stderr saying the port is in use, got ${describeExit(exit)}; ` +
          `${cli.printed()}.`,
      );
    },
    TEST_MS,
  );
});
