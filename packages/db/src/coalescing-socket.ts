import net from "node:net";

/** What postgres.js hands a custom socket factory (its parsed connection options). */
export type SocketTarget = { host: string[]; port: number[]; path?: string | false };

/**
 * A plain TCP (or Unix) socket for postgres.js that sends a pipelined transaction in one system call. postgres.js
 * buffers a connection's statements and writes them at the next turn of the event loop, but writes at once whatever
 * grows past 1 KiB: a transaction carrying a large statement (Signal key records, several KiB) left in two writes,
 * the part up to the large statement and then the rest (the statements after it, the commit). Each write to a local
 * server costs a system call and a wake-up of its backend, as much CPU as the statement itself. Such a large write
 * corks the socket until the turn after next, by which time postgres.js has written the rest: both leave together.
 * Small transactions are not delayed (postgres.js already writes them in one go). Plaintext only: postgres.js writes
 * a TLS connection through its own TLS socket, which this one would not see.
 */
export function coalescingSocket(target: SocketTarget): net.Socket {
  const host = target.host[0] ?? "localhost";
  const port = target.port[0] ?? 5432;
  const socket = target.path ? net.connect(target.path) : net.connect(port, host);
  // postgres.js reads these for its error messages.
  Object.assign(socket, { host, port });
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let corked = false;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!corked && chunk instanceof Uint8Array && chunk.length >= 1024) {
      corked = true;
      socket.cork();
      setImmediate(() =>
        setImmediate(() => {
          corked = false;
          socket.uncork();
        }),
      );
    }
    return write(chunk, ...rest);
  }) as typeof socket.write;
  return socket;
}

/** Whether a connection URL asks for TLS (postgres.js's `sslmode`): the coalescing socket is for plaintext only. */
export function wantsTls(url: string): boolean {
  try {
    const mode = new URL(url).searchParams.get("sslmode") ?? new URL(url).searchParams.get("ssl");
    return mode !== null && mode !== "disable" && mode !== "false";
  } catch {
    return true;
  }
}
