// A line-JSON client for the job server tests (06-capstone): a raw TCP socket (./tcp-raw) that
// sends one JSON request a line and reads one JSON reply a line. Replies are matched by `id`
// (jobs finish out of order): waiting for one id keeps the replies that came first for later.
// Every wait is bounded and names what never came; closed through `onCleanup` (by connectRaw).
import { isDeepStrictEqual } from 'node:util';
import { show } from './assert';
import { connectRaw, type RawClient } from './tcp-raw';

/** One reply line of the job server, parsed. */
export interface JobReply {
  id?: unknown;
  result?: unknown;
  error?: unknown;
  [key: string]: unknown;
}

export interface JobClient {
  readonly raw: RawClient;
  /** Sends `request` as one JSON line (several requests: one write, several lines). */
  send(...requests: object[]): void;
  /** Sends `text` as it is (add the `\n` yourself): for bad JSON and split lines. */
  sendRaw(text: string | Buffer): void;
  /** The next reply not taken yet, in the order they arrived. */
  next(what: string, timeoutMs?: number): Promise<JobReply>;
  /** The reply whose `id` equals `id` (deep equality); replies to other ids are kept for later. */
  reply(id: unknown, what: string, timeoutMs?: number): Promise<JobReply>;
  /** `send(request)`, then `reply(request.id)`. */
  call(
    request: { id: unknown; job: unknown; arg?: unknown },
    what: string,
    timeoutMs?: number,
  ): Promise<JobReply>;
}

const WAIT_MS = 3000;

/** Parses one reply line, or fails with what was wrong with it. */
export function parseReply(line: string): JobReply {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(
      `The server sent a line that is not JSON: ${show(line)}. Each reply is one JSON object and a \`\\n\`: ` +
        '`socket.write(JSON.stringify(reply) + "\\n")`.',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `Expected each reply to be a JSON object like \`{"id":1,"result":55}\`, got ${show(line)}.`,
    );
  }
  return value as JobReply;
}

/** Connects to the job server on 127.0.0.1:`port` (or to a proxy in front of it). */
export async function connectJobClient(port: number): Promise<JobClient> {
  const raw = await connectRaw(port);
  const kept: JobReply[] = []; // arrived, not taken yet

  const readOne = async (what: string, deadline: number): Promise<JobReply> =>
    parseReply(await raw.readLine(what, Math.max(1, deadline - Date.now())));

  const client: JobClient = {
    raw,
    send(...requests) {
      raw.write(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
    },
    sendRaw(text) {
      raw.write(text);
    },
    async next(what, timeoutMs = WAIT_MS) {
      return kept.shift() ?? readOne(what, Date.now() + timeoutMs);
    },
    async reply(id, what, timeoutMs = WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      const at = kept.findIndex((r) => isDeepStrictEqual(r.id, id));
      if (at !== -1) return kept.splice(at, 1)[0];
      for (;;) {
        let reply: JobReply;
        try {
          reply = await readOne(what, deadline);
        } catch (error) {
          const others = kept.length ? ` Replies to other ids that came meanwhile: ${show(kept)}.` : '';
          throw new Error(`${(error as Error).message}${others}`);
        }
        if (isDeepStrictEqual(reply.id, id)) return reply;
        kept.push(reply);
      }
    },
    call(request, what, timeoutMs) {
      client.send(request);
      return client.reply(request.id, what, timeoutMs);
    },
  };
  return client;
}
