import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import express from "express";
import { describe, expect, it } from "vitest";
import { csvCell, sendCsv } from "./csv.ts";

describe("csv", () => {
  it("quotes what needs it and never leaves a formula live", () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("+5511976100001")).toBe("+5511976100001");
    expect(csvCell("a, b")).toBe('"a, b"');
  });

  it("a client gone while its download waits for it to read ends the rows (their cursor), not a wait forever", async () => {
    let produced = 0;
    let ended: () => void = () => {};
    const rowsEnded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    async function* rows() {
      try {
        for (;;) {
          produced++;
          yield Array.from({ length: 500 }, (_, i) => ({ n: produced * 500 + i, text: "x".repeat(200) }));
        }
      } finally {
        ended();
      }
    }
    const app = express();
    let response: express.Response | undefined;
    const handled = new Promise<void>((resolve) => {
      app.get("/export", (_req, res) => {
        response = res;
        void sendCsv(res, "big.csv", ["n", "text"], rows(), (r) => [r.n, r.text]).finally(resolve);
      });
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const { port } = server.address() as AddressInfo;
      // A client that asks, reads nothing, and goes away.
      const socket = connect(port, "127.0.0.1");
      socket.pause();
      socket.write("GET /export HTTP/1.1\r\nHost: x\r\n\r\n");
      // The socket's buffers are full: the next batch is only asked for after a drain.
      const deadline = Date.now() + 10_000;
      while (!response?.writableNeedDrain) {
        if (Date.now() > deadline) throw new Error("the download never filled the socket");
        await new Promise((r) => setTimeout(r, 20));
      }
      const before = produced;
      socket.destroy();
      await Promise.race([
        Promise.all([rowsEnded, handled]),
        new Promise((_, reject) => setTimeout(() => reject(new Error("the export still waits for a drain")), 5_000)),
      ]);
      // It stopped asking for rows once the client was gone, rather than reading them all into nowhere.
      expect(produced - before).toBeLessThan(50);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 20_000);
});
