/**
 * The seed's TCP echo server, done right: `startEchoServer()` listens (on 127.0.0.1 and a free
 * port by default) and sends every byte each client sends straight back to that client.
 *
 *   const server = await startEchoServer({ port: 0, log: console.log });
 *   console.log(server.host, server.port);
 *   await server.close();
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `startEchoServer(options)` listens on `host` (default `'127.0.0.1'`: that address only,
 *     never every interface) and `port` (default 0: the OS picks a free one), and resolves once
 *     listening with `{ host, port, close }`: the address and the port actually listened on.
 *  §2 Every byte a client sends goes back to that client unchanged and in order, each chunk as
 *     soon as it arrives (no waiting for a newline): bytes that are not UTF-8, a character split
 *     between chunks, and a client that sends megabytes before it reads any of the echo included.
 *  §3 Any number of clients are served at once, each independently of the others.
 *  §4 When a client ends its side, the server ends its side too, after the whole echo is written.
 *  §5 A client that resets its connection (ECONNRESET) does not bring the server down.
 *  §6 A port in use → the promise rejects with the listen error (code `EADDRINUSE`).
 *  §7 `close()` stops listening, disconnects every client still connected, and resolves once all
 *     is closed; calling it again (at once or later) resolves too.
 *  §8 `log` (optional) is called with `connection from: HOST:PORT` (the client's address and
 *     port) for each connection.
 *  §9 `log` is called with `From connected user: <text>` for the text each chunk received
 *     carries, decoded as a UTF-8 stream: a character split between chunks appears whole in the
 *     line of the chunk that completes it, so the texts of a connection's lines, joined, are what
 *     the client sent. A chunk that completes no character logs nothing.
 *
 * The trap: TCP is a byte stream, not messages. A chunk may end in the middle of a multi-byte
 * character, and a client may send bytes that are not text at all. `chunk.toString()` then
 * `write(string)` (the seed's `decode()`/`encode()`) damages them: write back the `Buffer`.
 *
 * Read: Node docs "net" (`net.createServer`, `server.listen`, `server.close`, `socket.write`,
 * `socket.destroy`), "string_decoder".
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
  /** Receives `connection from: HOST:PORT` and `From connected user: <text>` lines (§8, §9). */
  log?: (line: string) => void;
}

/** Starts an echo server; resolves once it is listening. */
export function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  // TODO: create the server, echo each socket's data back as bytes, handle socket errors,
  // listen on host/port, and resolve with { host, port, close } (or reject with the listen error).
  void options;
  throw new Error('Not implemented: startEchoServer() — listen on 127.0.0.1 and echo every byte back');
}
