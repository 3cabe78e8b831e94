import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of Postgres or Redis that a test can cut (every connection dropped, new ones refused) and
 * restore on the same port: the dependency "goes away" for the process under test only, never for anyone else.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        // Accepted in the instant the proxy was being cut: dropped like the rest.
        if (server !== s) {
          client.destroy();
          return;
        }
        const upstream = connect(target.port, target.host);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on("close", () => sockets.delete(sock));
          sock.on("error", () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        const address = s.address();
        if (address && typeof address === "object") port = address.port;
        server = s;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    /** Refuses new connections and drops the open ones. */
    async cut(): Promise<void> {
      const s = server;
      server = undefined;
      // Stop accepting first, then drop what is open (close() waits for open connections to end).
      const closed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve();
      for (const sock of sockets) sock.destroy();
      await closed;
    },
    /** Accepts connections again, on the same port. */
    async restore(): Promise<void> {
      if (!server) await listen();
    },
    async close(): Promise<void> {
      await this.cut();
    },
  };
}
