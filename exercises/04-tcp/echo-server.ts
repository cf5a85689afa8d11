/**
 * The seed's TCP echo server, done right: `startEchoServer()` listens (on 127.0.0.1 and a free
 * port by default) and sends every byte each client sends straight back to that client.
 *
 *   const server = await startEchoServer({ port: 0, log: console.log });
 *   console.log(server.host, server.port);
 *   await server.close();
 *
 * - Many clients at once, each independently (the seed's `listen(1)` + one `accept()` served one).
 * - Echo each chunk at once and unchanged: no waiting for a newline, no decoding.
 * - When the client ends, end your side too, after the echo is written.
 * - A client that resets (ECONNRESET) must not bring the server down.
 * - A port in use → the promise rejects with the `EADDRINUSE` error.
 * - `close()` stops listening, destroys open connections, resolves when all is closed;
 *   calling it again is fine.
 * - `log` gets `connection from: HOST:PORT` (the client's address) for each connection, and
 *   `From connected user: <text>` for each chunk (decoded with a `StringDecoder`).
 *
 * The trap: TCP is a byte stream, not messages. A chunk may end in the middle of a multi-byte
 * character, and a client may send bytes that are not text at all. `chunk.toString()` then
 * `write(string)` (the seed's `decode()`/`encode()`) damages them: write back the `Buffer`.
 *
 * Hints: `net.createServer(socket => …)`; `server.listen(port, host, callback)` and the server's
 * `error` event; `server.address()`; a `Set` of open sockets for `close()`.
 */
export interface EchoServer {
  /** The address it listens on (`'127.0.0.1'` by default). */
  readonly host: string;
  /** The port it listens on (the one the OS picked when given 0). */
  readonly port: number;
  /** Stops listening and destroys open connections; resolves when everything is closed. */
  close(): Promise<void>;
}

export interface EchoServerOptions {
  /** Default `'127.0.0.1'`. */
  host?: string;
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Receives `connection from: HOST:PORT` and `From connected user: <text>` lines. */
  log?: (line: string) => void;
}

/** Starts an echo server; resolves once it is listening. */
export function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  // TODO: create the server, echo each socket's data back as bytes, handle socket errors,
  // listen on host/port, and resolve with { host, port, close } (or reject with the listen error).
  void options;
  throw new Error('Not implemented: startEchoServer() — listen on 127.0.0.1 and echo every byte back');
}
